import { type Static, Type } from '@sinclair/typebox'
import { Id, LastId, PageSize } from './common.ts'

/** A homestay business (shop) as the api shows it. */
export const HomestayBusiness = Type.Object({
  id: Type.Integer({ description: 'homestay business (shop) id, the key of homestayBussinessDetail' }),
  title: Type.String(),
  userId: Type.Integer({ description: "the boss's user id" }),
  info: Type.String({ description: 'shop introduction' }),
  tags: Type.String({ description: 'comma separated' }),
  cover: Type.String(),
  star: Type.Number(),
  headerImg: Type.String(),
})
export type HomestayBusiness = Static<typeof HomestayBusiness>

/** The boss of a shop, with their profile and place in the good-boss list. */
export const BossView = Type.Composite([
  Type.Pick(HomestayBusiness, ['id', 'userId']),
  Type.Object({
    nickname: Type.String(),
    avatar: Type.String(),
    info: Type.String({ description: 'boss introduction' }),
    rank: Type.Integer({ description: 'place in the good-boss list, 1 first; 0 when not listed' }),
  }),
])
export type BossView = Static<typeof BossView>

export const BusinessListItem = Type.Composite([
  Type.Pick(HomestayBusiness, ['id', 'title', 'info', 'tags', 'cover', 'star', 'headerImg']),
  Type.Object({
    isFav: Type.Integer({ description: 'favourites are not part of the product yet: always 0' }),
    sellMonth: Type.Integer({ description: 'monthly sales live with orders, which travel does not read: always 0' }),
    personConsume: Type.Integer({ description: 'average nightly price per guest of the on-sale homestays, whole yuan' }),
  }),
])
export type BusinessListItem = Static<typeof BusinessListItem>

export const GoodBossReq = Type.Object({})
export const GoodBossResp = Type.Object({ list: Type.Array(BossView) })
export const HomestayBusinessListReq = Type.Object({ lastId: LastId, pageSize: PageSize })
export const HomestayBusinessListResp = Type.Object({ list: Type.Array(BusinessListItem) })
export const HomestayBusinessDetailReq = Type.Object({ id: Id })
export const HomestayBusinessDetailResp = Type.Object({ boss: BossView })
