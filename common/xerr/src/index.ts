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
}

/** The user-facing text of a code. */
export function messageOf(code: number): string {
  return defaultMessages[code] ?? defaultMessages[ErrCode.SERVER_COMMON_ERROR] ?? 'error'
}

/** Whether a code is one this registry knows (anything else is treated as 100001 by mappers). */
export function isKnownCode(code: number): boolean {
  return code in defaultMessages || code >= 100000
}

/**
 * A business error: a public `code` and `message` for clients, and an optional `cause`
 * carrying internal detail (SQL text, stack) that only reaches the logs.
 */
export class CodeError extends Error {
  readonly code: number
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

  constructor(code: number, message?: string, options?: { cause?: unknown; internal?: boolean; unavailable?: boolean; dropped?: boolean }) {
    super(message ?? messageOf(code), options)
    this.name = 'CodeError'
    this.code = code
    this.internal = options?.internal ?? options?.cause !== undefined
    this.dropped = options?.dropped ?? false
    this.unavailable = (options?.unavailable ?? false) || this.dropped
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
