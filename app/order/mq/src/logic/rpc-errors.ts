import { CodeError, ErrCode } from '@looklook/xerr'
import { BUSINESS_ERROR_STATUS } from '@looklook/zrpc'

/**
 * Whether an rpc failed because the callee refused the request by its rules (a CodeError sent
 * as FAILED_PRECONDITION, e.g. "order cannot go from cancelled to paid") rather than because it
 * was unreachable or broken. Refusals never succeed on retry; outages may.
 */
export function isBusinessRejection(err: unknown): boolean {
  if (!(err instanceof CodeError) || err.unavailable) return false
  if (err.code !== ErrCode.SERVER_COMMON_ERROR) return true
  const status = (err.cause as { code?: unknown } | undefined)?.code
  return status === BUSINESS_ERROR_STATUS
}
