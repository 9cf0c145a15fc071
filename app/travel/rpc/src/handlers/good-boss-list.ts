import { mapReduce } from '@looklook/core'
import type { GoodBossListReq, GoodBossListResp, RankedBusiness } from '../../gen/travel.ts'
import { goodBossRanking } from '../logic/good-boss.ts'
import { toPbBusiness } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The shops of the good-boss ranking, in ranking order, read concurrently through the model cache. A
 * boss without a shop is left out; `rank` stays the boss's place in the ranking.
 */
export async function goodBossList(svc: ServiceContext, _req: GoodBossListReq): Promise<GoodBossListResp> {
  const userIds = await goodBossRanking(svc)
  const list = await mapReduce(
    userIds,
    async (userId, index) => {
      const business = await svc.homestayBusinessModel.findOneByUserId(userId)
      return business ? { rank: index + 1, business: toPbBusiness(business) } : undefined
    },
    (ranked: RankedBusiness[]) => ranked,
  )
  return { list }
}
