import { TravelRefusals } from '@looklook/travel-rpc/contract'
import type { HomestayAvailabilityResp, HomestayDetailResp, HomestayListResp } from '../schemas/homestay.ts'
import type { ServiceContext } from '../svc-context.ts'
import { toHomestayView } from './convert.ts'

const GUESS_LIST_SIZE = 5

/** The preferred-homestay activity, one page at a time (travel-rpc reads the rows through its cache). */
export async function homestayList(svc: ServiceContext, req: { page: number; pageSize: number }): Promise<HomestayListResp> {
  const { list } = await svc.travelRpc.preferredHomestayList(req)
  return { list: list.map(toHomestayView) }
}

/** On-sale homestays of one business, id desc, keyset paged. */
export async function businessList(
  svc: ServiceContext,
  req: { lastId: number; pageSize: number; homestayBusinessId: number },
): Promise<HomestayListResp> {
  const { list } = await svc.travelRpc.businessHomestayList(req)
  return { list: list.map(toHomestayView) }
}

/** "Guess you like": the newest on-sale homestays, as the Go original picks them. */
export async function guessList(svc: ServiceContext): Promise<HomestayListResp> {
  const { list } = await svc.travelRpc.newestHomestayList({ limit: GUESS_LIST_SIZE })
  return { list: list.map(toHomestayView) }
}

/**
 * One homestay through travel-rpc. An off-sale homestay is still shown, with rowState 0: guests
 * follow links to it from old orders and shares, and the client greys out booking (order-rpc
 * refuses to book it anyway). A homestay that does not exist is a clear business error.
 */
export async function homestayDetail(svc: ServiceContext, req: { id: number }): Promise<HomestayDetailResp> {
  const { homestay } = await svc.travelRpc.homestayDetail({ id: req.id })
  if (!homestay) throw TravelRefusals.HOMESTAY_NOT_FOUND()
  return { homestay: toHomestayView(homestay) }
}

/** The date (YYYY-MM-DD) an instant falls on in the business calendar. */
function dateIn(unixSeconds: number, zone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(unixSeconds * 1000)
}

/**
 * Each night of a stay from startTime's day to endTime's day (the check-out day is not a night), free or
 * held by an order, as travel-rpc's calendar holds them (doc/transactions.md).
 */
export async function homestayAvailability(
  svc: ServiceContext,
  req: { id: number; startTime: number; endTime: number },
): Promise<HomestayAvailabilityResp> {
  const zone = svc.config.TimeZone
  const { nights } = await svc.travelRpc.homestayAvailability({
    homestayId: req.id,
    startDate: dateIn(req.startTime, zone),
    endDate: dateIn(req.endTime, zone),
  })
  return { nights }
}
