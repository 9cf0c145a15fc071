import { MAX_PAGE_SIZE } from '@looklook/model'
import { type Static, Type } from '@sinclair/typebox'

// Ids are BIGINTs that travel as JSON numbers; beyond 2^53 they would be silently rounded.
const MAX_ID = Number.MAX_SAFE_INTEGER
// Offset paging (homestayList) reads and skips (page-1)·pageSize rows; this keeps that bounded.
const MAX_PAGE = 10_000

export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID })
export const LastId = Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'smallest id of the previous page; 0 for the first page' })
export const PageSize = Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })
export const Page = Type.Integer({ minimum: 1, maximum: MAX_PAGE, description: 'page number, from 1' })

const Yuan = Type.Number({ description: 'yuan, 2 decimals' })

export const HomestayView = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  subTitle: Type.String(),
  banner: Type.String({ description: 'comma separated image URLs, the first is the cover' }),
  info: Type.String(),
  peopleNum: Type.Integer({ description: 'how many guests it holds' }),
  homestayBusinessId: Type.Integer(),
  userId: Type.Integer({ description: 'the boss' }),
  rowState: Type.Integer({ description: '0 off sale (cannot be booked), 1 on sale' }),
  rowType: Type.Integer({ description: '0 sold per room, 1 sold per person' }),
  foodInfo: Type.String(),
  foodPrice: Yuan,
  homestayPrice: Yuan,
  marketHomestayPrice: Yuan,
})
export type HomestayView = Static<typeof HomestayView>

export const HomestayListResp = Type.Object({ list: Type.Array(HomestayView) })
export type HomestayListResp = Static<typeof HomestayListResp>

export const BossView = Type.Object({
  id: Type.Integer({ description: 'homestay business (shop) id, the key of homestayBussinessDetail' }),
  userId: Type.Integer({ description: "the boss's user id" }),
  nickname: Type.String(),
  avatar: Type.String(),
  info: Type.String({ description: 'boss introduction' }),
  rank: Type.Integer({ description: 'place in the good-boss list, 1 first; 0 when not listed' }),
})
export type BossView = Static<typeof BossView>

export const BusinessListItem = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  info: Type.String(),
  tags: Type.String({ description: 'comma separated' }),
  cover: Type.String(),
  star: Type.Number(),
  isFav: Type.Integer({ description: 'favourites are not part of the product yet: always 0' }),
  headerImg: Type.String(),
  sellMonth: Type.Integer({ description: 'monthly sales live with orders, which travel does not read: always 0' }),
  personConsume: Type.Integer({ description: 'average nightly price per guest of the on-sale homestays, whole yuan' }),
})
export type BusinessListItem = Static<typeof BusinessListItem>

export const CommentView = Type.Object({
  id: Type.Integer(),
  homestayId: Type.Integer(),
  content: Type.String(),
  star: Type.Number({ description: 'overall rating' }),
  userId: Type.Integer(),
  nickname: Type.String({ description: "the commenter's nickname; empty when the profile is unavailable" }),
  avatar: Type.String(),
})
export type CommentView = Static<typeof CommentView>
