import { HomestayActivityType } from '@looklook/travel-model'
import type { ServiceContext } from '../svc-context.ts'

/** How many bosses the good-boss ranking holds. */
export const GOOD_BOSS_LIMIT = 10

/** The user ids of the good-boss ranking, best first: the live goodBusiness activities in the order they were added. */
export function goodBossRanking(svc: ServiceContext): Promise<number[]> {
  return svc.homestayActivityModel.findLiveDataIds(HomestayActivityType.goodBusiness, GOOD_BOSS_LIMIT)
}
