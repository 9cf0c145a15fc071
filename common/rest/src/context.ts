/**
 * The caller's identity and the per-request context handed to logic functions, which take no
 * Fastify types so they can be called and tested on their own.
 */
import type { Logger } from '@looklook/logx'
import type { FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's user id from the gateway's `x-user` header; 0 for anonymous. */
    userId: number
    /** The unparsed JSON body, kept only on routes with `config.raw` (signature checks need the exact bytes). */
    rawBody?: string
  }
  interface FastifyContextConfig {
    /** The handler answers for itself: no `{code,msg,data}` envelope around what it returns. */
    raw?: boolean
  }
}

/** What a logic function gets about the request. */
export interface RequestCtx {
  userId: number
  logger: Logger
}

/**
 * Parses the `x-user` header. nginx always overwrites it from the auth reply, so it is trusted,
 * but anything that is not a positive safe integer still means anonymous (0).
 */
export function userIdFrom(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || !/^[0-9]{1,16}$/.test(value)) return 0
  const id = Number(value)
  return Number.isSafeInteger(id) ? id : 0
}

/** The context for logic functions: the caller's id and the request logger (trace ids included). */
export function ctxOf(request: FastifyRequest): RequestCtx {
  // The server is built with the logx pino logger, so request.log is its child at runtime.
  return { userId: request.userId, logger: request.log as Logger }
}
