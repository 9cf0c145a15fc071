import { CodeError } from '@looklook/xerr'
import type { HomestayDetailReq, HomestayDetailResp } from '../../gen/travel.ts'
import { TravelRefusals } from '../contract.ts'
import { toPbHomestay } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * One homestay by id, read through the model cache, prices in fen. An off-sale homestay is returned
 * as it is (rowState 0): whether it may be booked or shown is the caller's rule (order-rpc refuses it).
 */
export async function homestayDetail(svc: ServiceContext, req: HomestayDetailReq): Promise<HomestayDetailResp> {
  if (!Number.isSafeInteger(req.id) || req.id < 1) throw CodeError.param('homestay id must be a positive integer')
  const h = await svc.homestayModel.findOne(req.id)
  if (!h) throw TravelRefusals.HOMESTAY_NOT_FOUND()
  return { homestay: toPbHomestay(h) }
}
