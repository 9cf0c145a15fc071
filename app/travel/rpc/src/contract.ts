import { defineRefusals, ErrCode, messageOf } from '@looklook/xerr'

/** travel's refusals (doc/errors.md, Refusals and reasons); travel-api and order-rpc raise them too. */
export const TravelRefusals = defineRefusals({
  HOMESTAY_NOT_FOUND: 'homestay does not exist',
  HOMESTAY_BUSINESS_NOT_FOUND: 'homestay business does not exist',
  /** A night of the stay is held by another order: the booking saga rolls back and the guest picks other dates. */
  HOMESTAY_NIGHTS_TAKEN: { code: ErrCode.HOMESTAY_NIGHTS_TAKEN, message: messageOf(ErrCode.HOMESTAY_NIGHTS_TAKEN) },
})

/** The message of {@link TravelRefusals}.HOMESTAY_NOT_FOUND, as clients see it. */
export const HOMESTAY_NOT_FOUND = TravelRefusals.HOMESTAY_NOT_FOUND.message
