/**
 * Helpers for end-to-end tests that go through the real nginx gateway on :8888.
 * Every helper creates its own data (fresh mobiles, fresh users), so tests never depend on order.
 */
import { randomInt } from 'node:crypto'
import { Writable } from 'node:stream'
import { createLogger, type Logger } from '@looklook/logx'

export { copyHomestay, freshStay } from './bookings.ts'
export { sparePort } from './ports.ts'

/** Base URL of the gateway (override with LOOKLOOK_GATEWAY). */
export const GATEWAY = process.env.LOOKLOOK_GATEWAY ?? 'http://127.0.0.1:8888'

export interface HttpResult<T = unknown> {
  status: number
  headers: Headers
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: T
  text: string
}

/** The `{code,msg,data}` envelope every api answers with. */
export interface ApiEnvelope<D = Record<string, unknown>> {
  code: number
  msg: string
  data?: D
}

export interface RequestOptions {
  token?: string
  headers?: Record<string, string>
  /** Send this string as the body instead of JSON-encoding `body`. */
  rawBody?: string
  method?: string
  baseUrl?: string
}

/** Sends a request and returns status, headers and the parsed body; never throws on HTTP errors. */
export async function request<T = ApiEnvelope>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers }
  if (opts.token) headers.authorization = opts.token
  const method = opts.method ?? 'POST'
  const res = await fetch(`${opts.baseUrl ?? GATEWAY}${path}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : (opts.rawBody ?? JSON.stringify(body ?? {})),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text }
}

/** POSTs JSON through the gateway. */
export function post<D = Record<string, unknown>>(
  path: string,
  body?: unknown,
  opts?: RequestOptions,
): Promise<HttpResult<ApiEnvelope<D>>> {
  return request<ApiEnvelope<D>>(path, body, opts)
}

let seq = 0
/** A mainland-China style mobile number that no other test run uses (time + counter + random). */
export function uniqueMobile(): string {
  seq = (seq + 1) % 100
  const t = (Date.now() % 1_000_000).toString().padStart(6, '0')
  return `19${t}${seq.toString().padStart(2, '0')}${randomInt(0, 10)}`
}

export interface TokenTriple {
  accessToken: string
  accessExpire: number
  refreshAfter: number
}

export interface TestUser extends TokenTriple {
  mobile: string
  password: string
}

/** Registers a fresh user through the gateway and returns its credentials and token. */
export async function registerUser(password = 'secret-pass-1'): Promise<TestUser> {
  const mobile = uniqueMobile()
  const res = await post<TokenTriple>('/usercenter/v1/user/register', { mobile, password })
  if (res.status !== 200 || res.body.code !== 200 || !res.body.data) {
    throw new Error(`register failed: ${res.status} ${res.text}`)
  }
  return { mobile, password, ...res.body.data }
}

/** Polls `fn` until it returns a truthy value or the time runs out; returns the last value. */
export async function waitFor<T>(fn: () => Promise<T>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  let last = await fn()
  while (!last && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200))
    last = await fn()
  }
  return last
}

/** A logger whose JSON lines stay in memory, so tests can check what was logged. */
export function memoryLogger(service: string, level = 'debug'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString())
      cb()
    },
  })
  const logger = createLogger({ service, level, destination })
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { logger, lines }
}
