import { Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { CodeError, ErrCode, isOutage, REASON_PATTERN } from '@looklook/xerr'

/**
 * Trailing-metadata key carrying the xerr code of a business error. The status itself is a
 * standard one ({@link BUSINESS_ERROR_STATUS}) because grpc-js has mishandled non-standard numeric
 * codes in some versions; the Go original sent the xerr code as the status code.
 */
export const ERR_CODE_KEY = 'x-err-code'

/** Trailing-metadata key carrying the reason of a domain refusal (`ORDER_NOT_FOUND`) beside its code. */
export const ERR_REASON_KEY = 'x-err-reason'

/**
 * The gRPC status a `CodeError` crosses the wire with: FAILED_PRECONDITION — "the system is not in
 * a state required for the operation", which is what a business rule rejection is, and a status
 * gRPC never retries. Callers recognise business errors by the `x-err-code` trailer, not by the status.
 */
export const BUSINESS_ERROR_STATUS = status.FAILED_PRECONDITION

/** The generic text sent for unexpected server errors; their detail only reaches the server log. */
export const INTERNAL_ERROR_MESSAGE = 'internal error'

/** Statuses that mean the dependency is unhealthy (go-zero's `codes.Acceptable` negated); they feed the client breaker. */
const FAILURE_STATUSES: ReadonlySet<number> = new Set([
  status.DEADLINE_EXCEEDED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
  status.UNIMPLEMENTED,
  status.RESOURCE_EXHAUSTED,
])

/**
 * Statuses that mean "not now" rather than "no": the callee was unreachable, past its deadline,
 * shedding load, or itself cut off from a dependency. Callers answer these as outages (HTTP 503).
 */
const OUTAGE_STATUSES: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED])

/** The text sent with UNAVAILABLE when a handler failed because one of its own dependencies is down. */
export const DEPENDENCY_DOWN_MESSAGE = 'a dependency is unavailable, please try again later'

/** Whether a gRPC status counts as a failure for the client breaker. */
export function isBreakerFailure(code: number): boolean {
  return FAILURE_STATUSES.has(code)
}

/** A status the server sets on purpose (timeout, cancellation, shedding); its message is safe to send. */
export class RpcStatusError extends Error {
  readonly code: status
  /** An xerr code sent beside the status in the `x-err-code` trailer, so a zrpc caller gets that `CodeError`. */
  readonly xerrCode: number | undefined

  constructor(code: status, message: string, xerrCode?: number) {
    super(message)
    this.name = 'RpcStatusError'
    this.code = code
    this.xerrCode = xerrCode
  }
}

/** The status object a handler error is sent as. */
export function toServerStatus(err: unknown): { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata()
  if (err instanceof RpcStatusError) {
    if (err.xerrCode !== undefined) metadata.set(ERR_CODE_KEY, String(err.xerrCode))
    return { code: err.code, details: err.message, metadata }
  }
  // A handler cut off from its database, Redis or another rpc is unavailable, not refusing: the
  // caller's breaker must see it and its client must be told to retry.
  const outage = isOutage(err)
  if (err instanceof CodeError) {
    metadata.set(ERR_CODE_KEY, String(err.code))
    if (err.reason !== undefined && !outage) metadata.set(ERR_REASON_KEY, err.reason)
    return { code: outage ? status.UNAVAILABLE : BUSINESS_ERROR_STATUS, details: err.message, metadata }
  }
  if (outage) return { code: status.UNAVAILABLE, details: DEPENDENCY_DOWN_MESSAGE, metadata }
  return { code: status.INTERNAL, details: INTERNAL_ERROR_MESSAGE, metadata }
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err
}

/**
 * Maps a failed call back to a `CodeError`: a status with an `x-err-code` trailer becomes that
 * code and message, with the refusal reason of an `x-err-reason` trailer; anything else becomes 100001 with the gRPC error as `cause` (for the logs).
 * UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED make it `unavailable` (an outage, HTTP 503).
 */
export function fromServiceError(err: unknown): CodeError {
  if (err instanceof CodeError) return err
  if (isServiceError(err)) {
    const unavailable = OUTAGE_STATUSES.has(err.code)
    const raw = err.metadata?.get(ERR_CODE_KEY)[0]
    const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN
    // The server already logged whatever lay behind a business error; here it is an expected answer.
    if (Number.isSafeInteger(code) && code > 0) {
      const reason = err.metadata?.get(ERR_REASON_KEY)[0]
      return new CodeError(code, err.details || undefined, {
        cause: err,
        internal: unavailable,
        unavailable,
        // Only a refusal answered as one carries its reason: an outage status never does (CodeError drops it too).
        ...(err.code === BUSINESS_ERROR_STATUS && typeof reason === 'string' && REASON_PATTERN.test(reason) ? { reason } : {}),
      })
    }
    return new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: err, unavailable })
  }
  return new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: err })
}

/** An UNAVAILABLE error shaped like grpc-js's `ServiceError`, for calls that never reached the wire. */
export function unavailable(details: string, cause?: unknown): ServiceError {
  return Object.assign(new Error(`${status.UNAVAILABLE} UNAVAILABLE: ${details}`, { cause }), {
    code: status.UNAVAILABLE,
    details,
    metadata: new Metadata(),
  })
}

/**
 * The gRPC status behind an error from a client call (looking through the `CodeError` cause chain),
 * e.g. `status.UNAVAILABLE` for a dropped or unreachable call; `undefined` when there is none.
 */
export function grpcStatusOf(err: unknown): status | undefined {
  let e: unknown = err
  for (let depth = 0; e && depth < 8; depth++) {
    if (isServiceError(e)) return e.code
    e = e instanceof Error ? e.cause : undefined
  }
  return undefined
}
