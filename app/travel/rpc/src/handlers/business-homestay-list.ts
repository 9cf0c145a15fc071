import type { BusinessHomestayListReq, HomestayListResp } from '../../gen/travel.ts'
import { positiveId } from '../logic/nights.ts'
import { toPbHomestay } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/** On-sale homestays of one business, id desc, keyset paged. */
export async function businessHomestayList(svc: ServiceContext, req: BusinessHomestayListReq): Promise<HomestayListResp> {
  positiveId(req.homestayBusinessId, 'homestayBusinessId')
  const rows = await svc.homestayModel.findOnSalePageByBusiness(req.homestayBusinessId, req.lastId, req.pageSize)
  return { list: rows.map(toPbHomestay) }
}
