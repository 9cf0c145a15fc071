/**
 * Error codes and the one error type that crosses every boundary (HTTP envelope, gRPC status).
 * Mirrors go-zero-looklook's common/xerr.
 */

/** Frozen registry of the public error codes (doc/errors.md). */
export const ErrCode = Object.freeze({
  OK: 200,
  SERVER_COMMON_ERROR: 100001,
  REQUEST_PARAM_ERROR: 100002,
  TOKEN_EXPIRE_ERROR: 100003,
  TOKEN_GENERATE_ERROR: 100004,
  DB_ERROR: 100005,
  DB_UPDATE_AFFECTED_ZERO_ERROR: 100006,
  /** usercenter: password login of an account is locked for a while after too many wrong passwords. */
  USER_LOGIN_LOCKED: 200001,
  /** travel: a night of the stay is held by another order. */
  HOMESTAY_NIGHTS_TAKEN: 300001,
} as const)

export type ErrCodeValue = (typeof ErrCode)[keyof typeof ErrCode]

const defaultMessages: Record<number, string> = {
  [ErrCode.OK]: 'OK',
  [ErrCode.SERVER_COMMON_ERROR]: 'server is busy, please try again later',
  [ErrCode.REQUEST_PARAM_ERROR]: 'request param error',
  [ErrCode.TOKEN_EXPIRE_ERROR]: 'token is invalid or expired, please log in again',
  [ErrCode.TOKEN_GENERATE_ERROR]: 'failed to generate token',
  [ErrCode.DB_ERROR]: 'server is busy, please try again later',
  [ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR]: 'the record changed meanwhile, please retry',
  [ErrCode.USER_LOGIN_LOCKED]: 'too many failed logins, password login is locked for a while, please try again later',
  [ErrCode.HOMESTAY_NIGHTS_TAKEN]: 'those nights are taken, please choose other dates',
}

/** The user-facing text of a code. */
export function messageOf(code: number): string {
  return defaultMessages[code] ?? defaultMessages[ErrCode.SERVER_COMMON_ERROR] ?? 'error'
}

/** Whether a code is one this registry knows (anything else is treated as 100001 by mappers). */
export function isKnownCode(code: number): boolean {
  return code in defaultMessages || code >= 100000
}

/** Options of a {@link CodeError}. */
export interface CodeErrorOptions {
  cause?: unknown
  internal?: boolean
  unavailable?: boolean
  dropped?: boolean
  /** The stable name of a domain refusal (see {@link defineRefusals}); never set on an outage. */
  reason?: string
}

/**
 * A business error: a public `code` and `message` for clients, and an optional `cause`
 * carrying internal detail (SQL text, stack) that only reaches the logs.
 */
export class CodeError extends Error {
  readonly code: number
  /**
   * The stable machine name of a domain refusal (`ORDER_NOT_FOUND`), for callers and logs: it crosses
   * gRPC beside the code but never reaches the public envelope. Undefined for anything else.
   */
  readonly reason: string | undefined
  /**
   * Whether the cause is an internal failure operators must see in the logs (DB, network). False for
   * a business refusal that merely crossed a boundary, e.g. an rpc's CodeError carried by its gRPC status.
   */
  readonly internal: boolean
  /**
   * Whether the failure is an outage of a dependency (rpc unreachable or past its deadline, breaker
   * open, Redis or the database down), which a client should retry later: HTTP 503, not 400.
   */
  readonly unavailable: boolean
  /**
   * Whether this process's own breaker dropped the call before it reached the dependency: an
   * outage, but no new evidence about the dependency, so an outer breaker does not count it.
   */
  readonly dropped: boolean

  constructor(code: number, message?: string, options?: CodeErrorOptions) {
    super(message ?? messageOf(code), options)
    this.name = 'CodeError'
    this.code = code
    this.internal = options?.internal ?? options?.cause !== undefined
    this.dropped = options?.dropped ?? false
    this.unavailable = (options?.unavailable ?? false) || this.dropped
    // An outage is "not now", never a "no": it keeps no reason a caller could branch on.
    this.reason = this.unavailable ? undefined : options?.reason
  }

  /** Whether this is a named domain refusal: the callee said "no" by its rules, and a retry gets the same answer. */
  get refusal(): boolean {
    return this.reason !== undefined
  }

  static param(message = messageOf(ErrCode.REQUEST_PARAM_ERROR), cause?: unknown): CodeError {
    // A bad request is the caller's fault: its cause is detail for debugging, not an internal failure.
    return new CodeError(ErrCode.REQUEST_PARAM_ERROR, message, { cause, internal: false })
  }

  static common(message = messageOf(ErrCode.SERVER_COMMON_ERROR), cause?: unknown): CodeError {
    return new CodeError(ErrCode.SERVER_COMMON_ERROR, message, { cause })
  }

  static db(cause: unknown): CodeError {
    return new CodeError(ErrCode.DB_ERROR, messageOf(ErrCode.DB_ERROR), { cause })
  }
}

/** The shape of a stable refusal name: upper case words joined by `_` (`ORDER_NOT_FOUND`). */
export const REASON_PATTERN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/

/** The public message of a refusal: fixed text, or text built from the factory's arguments. */
// biome-ignore lint/suspicious/noExplicitAny: the factory's parameters are whatever the message function takes.
type RefusalMessage = string | ((...args: any[]) => string)

/** One refusal: its message, or its message and a public code other than 100001. */
export type RefusalSpec = RefusalMessage | { readonly code: number; readonly message: RefusalMessage }

/** A `CodeError` known to carry the refusal reason `R`. */
export type Refusal<R extends string = string> = CodeError & { readonly reason: R }

type MessageOf<S> = S extends { message: infer M } ? M : S

/**
 * The factory of one refusal. A fixed message may be overridden per call; a parametrised one takes the
 * parameters of its message function.
 */
export type RefusalFactory<R extends string, S> = (MessageOf<S> extends (...args: infer A) => string
  ? (...args: A) => Refusal<R>
  : (message?: string) => Refusal<R>) & { readonly reason: R; readonly code: number; readonly message: MessageOf<S> }

/** The factories {@link defineRefusals} returns, one per reason. */
export type Refusals<T extends Record<string, RefusalSpec>> = { readonly [K in keyof T & string]: RefusalFactory<K, T[K]> }

/**
 * Declares a domain's refusals once: each key is the stable reason, each value the public message
 * (code 100001, as the Go original answers domain errors) or `{ code, message }`.
 *
 * @example
 * export const OrderRefusals = defineRefusals({
 *   ORDER_NOT_FOUND: 'order does not exist',
 *   ORDER_TRANSITION_REFUSED: (from: number, to: number) => `an order that is ${from} cannot become ${to}`,
 * })
 * throw OrderRefusals.ORDER_NOT_FOUND()
 */
export function defineRefusals<const T extends Record<string, RefusalSpec>>(specs: T): Refusals<T> {
  const factories: Record<string, unknown> = {}
  for (const [reason, spec] of Object.entries(specs)) {
    if (!REASON_PATTERN.test(reason)) throw new Error(`refusal reason ${reason} is not UPPER_SNAKE_CASE`)
    const { code, message } = typeof spec === 'object' ? spec : { code: ErrCode.SERVER_COMMON_ERROR, message: spec }
    const make = (...args: unknown[]) => {
      const text = typeof message === 'function' ? message(...args) : typeof args[0] === 'string' ? args[0] : message
      return new CodeError(code, text, { reason })
    }
    factories[reason] = Object.assign(make, { reason, code, message })
  }
  return Object.freeze(factories) as Refusals<T>
}

/**
 * Whether an error is a domain refusal (one raised here, or one an rpc sent): any refusal, or the one
 * named `reason`.
 */
export function isRefusal<R extends string>(err: unknown, reason?: R): err is Refusal<R> {
  return err instanceof CodeError && err.reason !== undefined && (reason === undefined || err.reason === reason)
}

// Error codes of a connection that failed or went away (node's net errors, mysql2's protocol errors,
// MariaDB refusing connections), as opposed to a query the server answered with an error.
const OUTAGE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
])
// ioredis: a command given up after its retries, or sent on a closed connection.
const OUTAGE_NAMES: ReadonlySet<string> = new Set(['MaxRetriesPerRequestError'])
const OUTAGE_MESSAGES = ['Connection is closed.', "Stream isn't writeable"]

/**
 * Whether an error, or anything in its cause chain, is a dependency outage: a `CodeError` marked
 * `unavailable`, or a connection failure of a socket, mysql2 or ioredis.
 */
export function isOutage(err: unknown): boolean {
  let e: unknown = err
  for (let depth = 0; e instanceof Error && depth < 10; depth++) {
    if (e instanceof CodeError && e.unavailable) return true
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true
    if (OUTAGE_NAMES.has(e.name) || OUTAGE_MESSAGES.some((m) => e instanceof Error && e.message.startsWith(m))) return true
    e = e.cause
  }
  return false
}

/** Wraps any thrown value as a CodeError; unknown errors become 100001 with the original as cause. */
export function toCodeError(err: unknown): CodeError {
  if (err instanceof CodeError) return err
  return new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: err })
}

/** The `{code,msg,data}` envelope every api answers with. */
export interface Envelope<T = unknown> {
  code: number
  msg: string
  data?: T
}

export function ok<T>(data: T): Envelope<T> {
  return { code: ErrCode.OK, msg: 'OK', data }
}

export function fail(code: number, msg: string): Envelope<never> {
  return { code, msg }
}
