import { finish, mapReduce } from '@looklook/core'
import { schemaFields, toMessage } from '@looklook/model'
import type { RequestCtx } from '@looklook/rest'
import { fenToYuan } from '@looklook/rest'
import { HomestayActivityType, type HomestayBusiness } from '@looklook/travel-model'
import { TravelRefusals } from '@looklook/travel-rpc/contract'
import type { User } from '@looklook/usercenter-rpc/gen'
import { BossView, BusinessListItem } from '../schemas/homestay-business.ts'
import type { ServiceContext } from '../svc-context.ts'
import { profileOrUndefined } from './users.ts'

const GOOD_BOSS_LIMIT = 10
const bossFields = schemaFields(BossView)
const listItemFields = schemaFields(BusinessListItem)

function toBossView(business: HomestayBusiness, user: User | undefined, rank: number): BossView {
  return toMessage(bossFields, business, {
    nickname: user?.nickname ?? '',
    avatar: user?.avatar ?? '',
    // The shop's own boss introduction, else the boss's profile text.
    info: business.bossInfo || (user?.info ?? ''),
    rank,
  })
}

/**
 * Up to 10 good bosses: the goodBusiness activity lists boss user ids in ranking order; each boss's
 * profile (usercenter-rpc) and shop (model cache) are fetched concurrently. A boss whose profile or
 * shop is missing is left out; `rank` stays the place in the activity list.
 */
export async function goodBoss(svc: ServiceContext, ctx: RequestCtx): Promise<{ list: BossView[] }> {
  const userIds = await svc.homestayActivityModel.findLiveDataIds(HomestayActivityType.goodBusiness, GOOD_BOSS_LIMIT)
  const list = await mapReduce(
    userIds,
    async (userId, index) => {
      const [user, business] = await finish(
        () => profileOrUndefined(svc, ctx, userId),
        () => svc.homestayBusinessModel.findOneByUserId(userId),
      )
      if (!user || !business) return undefined
      return toBossView(business, user, index + 1)
    },
    (bosses: BossView[]) => bosses,
  )
  return { list }
}

/** Open shops, id desc, keyset paged, with their average price per guest. */
export async function homestayBusinessList(
  svc: ServiceContext,
  req: { lastId: number; pageSize: number },
): Promise<{ list: BusinessListItem[] }> {
  const rows = await svc.homestayBusinessModel.findOpenPage(req.lastId, req.pageSize)
  const perPerson = await svc.homestayModel.avgPricePerPersonByBusiness(rows.map((b) => b.id))
  return {
    list: rows.map((b) =>
      toMessage(listItemFields, b, { isFav: 0, sellMonth: 0, personConsume: Math.trunc(fenToYuan(perPerson.get(b.id) ?? 0)) }),
    ),
  }
}

/**
 * The boss of one shop (by shop id) with the good-boss rank. The profile from usercenter-rpc only
 * adds nickname and avatar: when it is unavailable the shop's boss is still shown without them.
 */
export async function homestayBusinessDetail(svc: ServiceContext, ctx: RequestCtx, req: { id: number }): Promise<{ boss: BossView }> {
  const business = await svc.homestayBusinessModel.findOne(req.id)
  if (!business) throw TravelRefusals.HOMESTAY_BUSINESS_NOT_FOUND()
  const [user, goodBossIds] = await finish(
    () => profileOrUndefined(svc, ctx, business.userId),
    () => svc.homestayActivityModel.findLiveDataIds(HomestayActivityType.goodBusiness, GOOD_BOSS_LIMIT),
  )
  return { boss: toBossView(business, user, goodBossIds.indexOf(business.userId) + 1) }
}
