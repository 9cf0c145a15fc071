/**
 * The gateway's apis, typed by the generated `paths` (web/src/api/gen/gateway.ts, from every api's
 * route schemas): openapi-fetch builds each request, and `unwrap` turns the `{code, msg, data}`
 * envelope into the data or an {@link ApiError} carrying the api's own message.
 */
import createClient from 'openapi-fetch'
import { session, signedOut } from '../session.ts'
import type { paths } from './gen/gateway.ts'

/** code 100003: the gateway refused the token (missing, expired or revoked). */
export const TOKEN_REFUSED = 100003

/** A refusal with the message the api (or the gateway) gave. */
export class ApiError extends Error {
  readonly code: number
  readonly status: number
  constructor(message: string, code: number, status: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
  }
}

export const api = createClient<paths>({ baseUrl: '' })

api.use({
  onRequest({ request }) {
    const token = session.value?.accessToken
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    return request
  },
})

interface Envelope<T> {
  code: number
  msg: string
  data?: T
}

interface Reply<T> {
  data?: Envelope<T>
  error?: unknown
  response: Response
}

function messageOf(body: unknown, status: number): { msg: string; code: number } {
  if (typeof body === 'object' && body !== null) {
    const { msg, code, message } = body as { msg?: unknown; code?: unknown; message?: unknown }
    const text = typeof msg === 'string' ? msg : typeof message === 'string' ? message : undefined
    if (text) return { msg: text, code: typeof code === 'number' ? code : 0 }
  }
  if (typeof body === 'string' && body.trim() !== '') return { msg: body.trim(), code: 0 }
  return { msg: `the server answered HTTP ${status}`, code: 0 }
}

/** The data of a successful answer; otherwise throws the api's message as an {@link ApiError}. */
export async function unwrap<T>(call: Promise<Reply<T>>): Promise<T> {
  let reply: Reply<T>
  try {
    reply = await call
  } catch {
    throw new ApiError('cannot reach the server: check your connection and try again', 0, 0)
  }
  const { data, error, response } = reply
  if (data && data.code === 200 && response.ok) return data.data as T
  const { msg, code } = messageOf(error ?? data, response.status)
  // A refused token is gone for good: forget it, so the app offers to sign in again.
  if (code === TOKEN_REFUSED) signedOut()
  throw new ApiError(msg, code, response.status)
}
