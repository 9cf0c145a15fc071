import { MAX_PAGE_SIZE } from '@looklook/model'
import { CodeError } from '@looklook/xerr'
import type { HomestayListResp, NewestHomestayListReq } from '../../gen/travel.ts'
import { toPbHomestay } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/** The newest `limit` on-sale homestays (at most a page). */
export async function newestHomestayList(svc: ServiceContext, req: NewestHomestayListReq): Promise<HomestayListResp> {
  if (!Number.isSafeInteger(req.limit) || req.limit < 1) throw CodeError.param('limit must be a positive integer')
  const rows = await svc.homestayModel.findNewestOnSale(Math.min(req.limit, MAX_PAGE_SIZE))
  return { list: rows.map(toPbHomestay) }
}
