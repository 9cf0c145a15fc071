/**
 * The few HTTP pieces the sandbox needs on top of node:http. Handlers get the raw body as a
 * string because Pay v3 signatures cover the exact bytes, and return status, headers and body.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Logger } from '@looklook/logx'
import type { SandboxConf } from './config.ts'
import type { SandboxKeys } from './keys.ts'

export interface SandboxRequest {
  method: string
  url: URL
  /** Path and query exactly as the client sent them: what a v3 request signature covers. */
  rawPath: string
  headers: IncomingHttpHeaders
  body: string
}

export interface SandboxResponse {
  status: number
  headers?: Record<string, string>
  body?: string
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>

export interface Route {
  method: 'GET' | 'POST'
  /** An exact path, or a pattern whose groups the handler reads from `req.url.pathname` itself. */
  path: string | RegExp
  handler: Handler
}

/** What every part of the sandbox shares. */
export interface SandboxContext {
  conf: SandboxConf
  keys: SandboxKeys
  log: Logger
  now: () => number
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) }
}

/** The body as a JSON object, or undefined when it is not one. */
export function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** An error of the driving API (`/sandbox/*`): `{code, message}` with a 4xx status. */
export function driverError(status: number, code: string, message: string): SandboxResponse {
  return json(status, { code, message })
}
