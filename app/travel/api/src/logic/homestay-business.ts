import { mapReduce } from '@looklook/core'
import { schemaFields, toMessage } from '@looklook/model/mapping'
import type { RequestCtx } from '@looklook/rest'
import { fenToYuan } from '@looklook/rest'
import { TravelRefusals } from '@looklook/travel-rpc/contract'
import type { HomestayBusiness } from '@looklook/travel-rpc/gen'
import type { User } from '@looklook/usercenter-rpc/gen'
import { BossView, BusinessListItem } from '../schemas/homestay-business.ts'
import type { ServiceContext } from '../svc-context.ts'
import { profileOrUndefined } from './users.ts'

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
 * Up to 10 good bosses: travel-rpc gives the shops of the good-boss ranking in ranking order, then each
 * boss's profile (usercenter-rpc) is fetched concurrently. A boss whose profile or shop is missing is
 * left out; `rank` stays the place in the ranking.
 */
export async function goodBoss(svc: ServiceContext, ctx: RequestCtx): Promise<{ list: BossView[] }> {
  const ranked = await svc.travelRpc.goodBossList({})
  const list = await mapReduce(
    ranked.list,
    async ({ rank, business }) => {
      const user = business ? await profileOrUndefined(svc, ctx, business.userId) : undefined
      if (!user || !business) return undefined
      return toBossView(business, user, rank)
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
  const { list } = await svc.travelRpc.homestayBusinessList(req)
  return {
    list: list.flatMap(({ business, pricePerPerson }) =>
      business
        ? [toMessage(listItemFields, business, { isFav: 0, sellMonth: 0, personConsume: Math.trunc(fenToYuan(pricePerPerson)) })]
        : [],
    ),
  }
}

/**
 * The boss of one shop (by shop id) with the good-boss rank. The profile from usercenter-rpc only
 * adds nickname and avatar: when it is unavailable the shop's boss is still shown without them.
 */
export async function homestayBusinessDetail(svc: ServiceContext, ctx: RequestCtx, req: { id: number }): Promise<{ boss: BossView }> {
  const { business, rank } = await svc.travelRpc.homestayBusinessDetail({ id: req.id })
  if (!business) throw TravelRefusals.HOMESTAY_BUSINESS_NOT_FOUND()
  const user = await profileOrUndefined(svc, ctx, business.userId)
  return { boss: toBossView(business, user, rank) }
}
