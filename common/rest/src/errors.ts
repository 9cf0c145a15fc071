/**
 * The one HTTP error mapper: business errors keep their code and public message, malformed
 * requests become 100002 with a message naming the problem, anything unknown becomes 100001 with
 * the friendly text only — its detail goes to the log. Business and validation refusals answer
 * HTTP 400, as go-zero-looklook does, so its clients keep working; an outage of a dependency (an rpc
 * unreachable, past its deadline or shedding, a breaker open, Redis or the database down) answers
 * 503 with Retry-After, as do the resilience layer's own refusals (timeout, breaker, shedder, cap).
 */
import { CodeError, type Envelope, ErrCode, fail, isOutage, messageOf } from '@looklook/xerr'

/** Seconds a client is asked to wait before retrying a 503 (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 1

/** The request ran longer than `Timeout`. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError'

  constructor(timeoutMs: number) {
    super(`request timeout after ${timeoutMs}ms`)
  }
}

/** Messages of the framework's own 503 answers. */
export const UnavailableMsg = Object.freeze({
  timeout: 'request timeout',
  breaker: 'service unavailable, circuit breaker is open',
  shedding: 'service overloaded, please try again later',
  maxConns: 'too many concurrent requests, please try again later',
})

export interface MappedError {
  status: number
  body: Envelope<never>
  /** How the error is logged: `error` with its cause chain, `info` for an expected rejection, or not at all. */
  log: 'error' | 'info' | 'none'
  /** Set for a call this process's own rpc breaker dropped: an outer breaker learns nothing from it. */
  dropped?: boolean
}

interface FastifyLikeError {
  code?: unknown
  statusCode?: unknown
  validation?: unknown
  message: string
}

const paramError = (msg: string): MappedError => ({
  status: 400,
  body: fail(ErrCode.REQUEST_PARAM_ERROR, msg),
  log: 'none',
})

// Fastify's request-shape errors, reworded for clients (the originals mention internals like "FST_…").
const fastifyMessages: Record<string, (bodyLimit: number) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) => `request body is larger than ${limit} bytes`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'unsupported Content-Type, send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'request body does not match its Content-Length',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'request body is empty',
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'malformed JSON body',
}

/** Maps anything thrown while serving a request to the status and envelope the client sees. */
export function mapError(err: unknown, bodyLimit: number): MappedError {
  if (err instanceof CodeError) {
    if (isOutage(err)) {
      // The message stays the friendly one the rpc chose (or "server is busy" for a bare outage).
      return { status: 503, body: fail(err.code, err.message), log: err.dropped ? 'info' : 'error', dropped: err.dropped }
    }
    return {
      status: 400,
      body: fail(err.code, err.message),
      // A CodeError wrapping an internal failure (DB, network) must be seen by operators; a business
      // refusal, even one an rpc sent, is an expected answer.
      log: err.internal ? 'error' : 'info',
    }
  }
  if (err instanceof RequestTimeoutError) {
    return { status: 503, body: fail(ErrCode.SERVER_COMMON_ERROR, UnavailableMsg.timeout), log: 'error' }
  }
  if (err instanceof Error) {
    const e = err as Error & FastifyLikeError
    if (e.validation !== undefined) return paramError(e.message)
    const code = typeof e.code === 'string' ? e.code : ''
    const known = fastifyMessages[code]
    if (known) return paramError(known(bodyLimit))
    if (code.startsWith('FST_ERR_') && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return paramError(e.message)
    }
  }
  const status = isOutage(err) ? 503 : 400
  return { status, body: fail(ErrCode.SERVER_COMMON_ERROR, messageOf(ErrCode.SERVER_COMMON_ERROR)), log: 'error' }
}

/** One link of an error's cause chain, as logged. */
export interface CauseLink {
  type: string
  message: string
  code?: string | number
}

/**
 * Flattens `err.cause` recursively (cycles and very deep chains are cut), for the log only. pino's
 * serializer already prints the stacks; this keeps each link's type and code searchable (e.g. a SQL errno).
 */
export function causeChain(err: unknown, maxDepth = 10): CauseLink[] {
  const chain: CauseLink[] = []
  const seen = new Set<unknown>()
  let current: unknown = err
  while (current !== undefined && current !== null && chain.length < maxDepth && !seen.has(current)) {
    seen.add(current)
    if (current instanceof Error) {
      const link: CauseLink = { type: current.name, message: current.message }
      const code = (current as { code?: unknown }).code
      if (typeof code === 'string' || typeof code === 'number') link.code = code
      chain.push(link)
      current = current.cause
    } else {
      chain.push({ type: typeof current, message: String(current) })
      break
    }
  }
  return chain
}
