import { CodeError } from '@looklook/xerr'
import type { HomestayOrderDetailReq, HomestayOrderDetailResp } from '../../gen/order.ts'
import { toPbOrder } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/** The order with this sn, or `homestayOrder: null`; callers that serve users check the owner themselves. */
export async function homestayOrderDetail(svc: ServiceContext, req: HomestayOrderDetailReq): Promise<HomestayOrderDetailResp> {
  if (!req.sn) throw CodeError.param('sn is required')
  const row = await svc.homestayOrderModel.findOneBySn(req.sn)
  return { homestayOrder: row ? toPbOrder(row, svc.config.TimeZone) : null }
}
