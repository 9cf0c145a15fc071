import type { HomestayBusinessListReq, HomestayBusinessListResp } from '../../gen/travel.ts'
import { toPbBusiness } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/** Open shops, id desc, keyset paged, each with the average nightly price per guest of its on-sale homestays (fen). */
export async function homestayBusinessList(svc: ServiceContext, req: HomestayBusinessListReq): Promise<HomestayBusinessListResp> {
  const rows = await svc.homestayBusinessModel.findOpenPage(req.lastId, req.pageSize)
  const perPerson = await svc.homestayModel.avgPricePerPersonByBusiness(rows.map((b) => b.id))
  return { list: rows.map((b) => ({ business: toPbBusiness(b), pricePerPerson: perPerson.get(b.id) ?? 0 })) }
}
