import { CodeError } from '@looklook/xerr'

/** Message of {@link errHomestayNotFound}; callers (order-rpc, travel-api) can match on it. */
export const HOMESTAY_NOT_FOUND = 'homestay does not exist'

// Domain errors use the common code with a clear message (doc/errors.md), as the Go original does.
export const errHomestayNotFound = () => CodeError.common(HOMESTAY_NOT_FOUND)
