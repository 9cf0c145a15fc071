import { type Static, Type } from '@sinclair/typebox'
import { Id, LastId, Page, PageSize, Yuan } from './common.ts'

/** A homestay as the api shows it: travel-rpc's message, prices in yuan. */
export const Homestay = Type.Object({
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
export type Homestay = Static<typeof Homestay>

export const HomestayListReq = Type.Object({ page: Page, pageSize: PageSize })
export const BusinessListReq = Type.Object({ lastId: LastId, pageSize: PageSize, homestayBusinessId: Id })
export const HomestayDetailReq = Type.Object({ id: Id })

export const HomestayListResp = Type.Object({ list: Type.Array(Homestay) })
export type HomestayListResp = Static<typeof HomestayListResp>
export const HomestayDetailResp = Type.Object({ homestay: Homestay })
export type HomestayDetailResp = Static<typeof HomestayDetailResp>

export const HomestayAvailabilityReq = Type.Object({
  id: Id,
  startTime: Type.Integer({ minimum: 1, maximum: 253_402_300_799, description: 'unix seconds: the check-in day (business calendar)' }),
  endTime: Type.Integer({ minimum: 1, maximum: 253_402_300_799, description: 'unix seconds: the check-out day, not itself a night' }),
})
export const NightAvailability = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD: the night from this date to the next' }),
  free: Type.Boolean({ description: 'false when an order holds it' }),
})
export const HomestayAvailabilityResp = Type.Object({ nights: Type.Array(NightAvailability) })
export type HomestayAvailabilityResp = Static<typeof HomestayAvailabilityResp>
