import { CodeError, ErrCode } from '@looklook/xerr'

/**
 * Whether an rpc failed because the callee refused the request rather than because it was
 * unreachable or broken: a named refusal (e.g. ORDER_TRANSITION_REFUSED, "order cannot go from
 * cancelled to paid"), or an answer with a code of its own (a bad request, a record changed
 * meanwhile). Refusals never succeed on retry; outages and bare 100001 failures may.
 */
export function isBusinessRejection(err: unknown): boolean {
  if (!(err instanceof CodeError) || err.unavailable) return false
  return err.refusal || err.code !== ErrCode.SERVER_COMMON_ERROR
}
