import type { HomestayAvailabilityReq, HomestayAvailabilityResp } from '../../gen/travel.ts'
import { nightsOf, positiveId } from '../logic/nights.ts'
import type { ServiceContext } from '../svc-context.ts'

/** Each night from startDate up to endDate (excluded), free or held, as committed in the calendar. */
export async function homestayAvailability(svc: ServiceContext, req: HomestayAvailabilityReq): Promise<HomestayAvailabilityResp> {
  positiveId(req.homestayId, 'homestayId')
  const nights = nightsOf(req.startDate, req.endDate)
  const held = new Set(
    (await svc.homestayCalendarModel.heldBetween(req.homestayId, nights[0] ?? '', nights.at(-1) ?? '')).map((h) => h.night),
  )
  return { nights: nights.map((date) => ({ date, free: !held.has(date) })) }
}
