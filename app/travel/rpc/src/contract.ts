import { defineRefusals } from '@looklook/xerr'

/** travel's refusals (doc/errors.md, Refusals and reasons); travel-api and order-rpc raise them too. */
export const TravelRefusals = defineRefusals({
  HOMESTAY_NOT_FOUND: 'homestay does not exist',
  HOMESTAY_BUSINESS_NOT_FOUND: 'homestay business does not exist',
})

/** The message of {@link TravelRefusals}.HOMESTAY_NOT_FOUND, as clients see it. */
export const HOMESTAY_NOT_FOUND = TravelRefusals.HOMESTAY_NOT_FOUND.message
