import { MAX_PAGE_SIZE } from '@looklook/model/mapping'
import { ALL_TRADE_STATES, TradeState } from '@looklook/order-rpc/contract'
import { type Static, Type } from '@sinclair/typebox'

// Ids are BIGINTs that travel as JSON numbers; beyond 2^53 they would be silently rounded.
const MAX_ID = Number.MAX_SAFE_INTEGER
// 9999-12-31T23:59:59Z, the last instant a DATE column can hold; order-rpc applies the real booking window.
const MAX_UNIX_SECONDS = 253_402_300_799
/** A sanity bound only: order-rpc checks the guests against the homestay's own capacity. */
const MAX_LIVE_PEOPLE = 100

const UnixSeconds = Type.Integer({ minimum: 1, maximum: MAX_UNIX_SECONDS, description: 'unix seconds' })
const Yuan = Type.Number({ description: 'yuan, 2 decimals' })

/** An order as the api shows it: order-rpc's message, money in yuan. */
export const HomestayOrder = Type.Object({
  sn: Type.String(),
  userId: Type.Integer(),
  homestayId: Type.Integer(),
  title: Type.String(),
  subTitle: Type.String(),
  cover: Type.String(),
  info: Type.String(),
  foodInfo: Type.String(),
  foodPrice: Yuan,
  homestayPrice: Yuan,
  marketHomestayPrice: Yuan,
  homestayBusinessId: Type.Integer(),
  homestayUserId: Type.Integer(),
  orderTotalPrice: Yuan,
  createTime: Type.Integer({ description: 'unix seconds' }),
  tradeState: Type.Integer(),
  liveStartDate: Type.Integer({ description: 'unix seconds of the start of the check-in day' }),
  liveEndDate: Type.Integer({ description: 'unix seconds of the start of the check-out day' }),
  tradeCode: Type.String({ description: 'check-in code; empty unless the order is paid (wait-use) or used' }),
  foodTotalPrice: Yuan,
  homestayTotalPrice: Yuan,
  remark: Type.String(),
  livePeopleNum: Type.Integer(),
  needFood: Type.Integer({ description: '0 no meals, 1 meals' }),
})
export type HomestayOrder = Static<typeof HomestayOrder>

export const CreateHomestayOrderReq = Type.Object({
  homestayId: Type.Integer({ minimum: 1, maximum: MAX_ID }),
  isFood: Type.Boolean({ default: false, description: 'book meals for every guest and night' }),
  liveStartTime: { ...UnixSeconds, description: 'check-in, unix seconds; its calendar day must not be before today' },
  liveEndTime: { ...UnixSeconds, description: 'check-out, unix seconds; at least one night after check-in' },
  livePeopleNum: Type.Integer({ minimum: 1, maximum: MAX_LIVE_PEOPLE }),
  remark: Type.String({ default: '', maxLength: 64 }),
})
export type CreateHomestayOrderReq = Static<typeof CreateHomestayOrderReq>

export const CreateHomestayOrderResp = Type.Object({ orderSn: Type.String() })
export type CreateHomestayOrderResp = Static<typeof CreateHomestayOrderResp>

export const UserHomestayOrderListReq = Type.Object({
  lastId: Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'smallest id of the previous page; 0 for the first page' }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE }),
  tradeState: Type.Integer({
    enum: [ALL_TRADE_STATES, ...Object.values(TradeState)],
    description: '-99 all, -1 cancelled, 0 wait-pay, 1 paid (wait-use), 2 used, 3 refunded, 4 expired',
  }),
})
export type UserHomestayOrderListReq = Static<typeof UserHomestayOrderListReq>

/** The fields of an order the list shows; the detail shows every field. */
export const UserHomestayOrderListView = Type.Pick(HomestayOrder, [
  'sn',
  'title',
  'subTitle',
  'homestayId',
  'cover',
  'orderTotalPrice',
  'createTime',
  'tradeState',
  'liveStartDate',
  'liveEndDate',
  'tradeCode',
])
export type UserHomestayOrderListView = Static<typeof UserHomestayOrderListView>

export const UserHomestayOrderListResp = Type.Object({ list: Type.Array(UserHomestayOrderListView) })
export type UserHomestayOrderListResp = Static<typeof UserHomestayOrderListResp>

export const UserHomestayOrderDetailReq = Type.Object({
  sn: Type.String({ pattern: '^HSO[0-9]{22}$', description: 'order number' }),
})

export const UserHomestayOrderDetailResp = Type.Composite([
  HomestayOrder,
  Type.Object({
    payTime: Type.Integer({ description: 'unix seconds of the successful payment; 0 when there is none' }),
    payType: Type.String({ description: 'payment mode of the successful payment (e.g. WECHAT_PAY); empty when there is none' }),
  }),
])
export type UserHomestayOrderDetailResp = Static<typeof UserHomestayOrderDetailResp>
