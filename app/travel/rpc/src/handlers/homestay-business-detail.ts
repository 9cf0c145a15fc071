import { finish } from '@looklook/core'
import type { HomestayBusinessDetailReq, HomestayBusinessDetailResp } from '../../gen/travel.ts'
import { TravelRefusals } from '../contract.ts'
import { goodBossRanking } from '../logic/good-boss.ts'
import { positiveId } from '../logic/nights.ts'
import { toPbBusiness } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/** One shop by id (open or closed) with its boss's place in the good-boss ranking (0 when not in it). */
export async function homestayBusinessDetail(svc: ServiceContext, req: HomestayBusinessDetailReq): Promise<HomestayBusinessDetailResp> {
  positiveId(req.id, 'id')
  const [business, ranking] = await finish(
    () => svc.homestayBusinessModel.findOne(req.id),
    () => goodBossRanking(svc),
  )
  if (!business) throw TravelRefusals.HOMESTAY_BUSINESS_NOT_FOUND()
  return { business: toPbBusiness(business), rank: ranking.indexOf(business.userId) + 1 }
}
