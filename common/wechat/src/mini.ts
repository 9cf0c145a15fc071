/**
 * Mini-program server APIs: login (code2Session + encryptedData), access tokens and subscribe
 * messages (doc/wechat.md, Mini-program APIs). Base URLs come from config so the same code talks to
 * `https://api.weixin.qq.com` or to the local sandbox.
 */
import { aesCbcDecrypt } from './crypto.ts'
import { WechatApiError, WechatDecryptError, WechatHttpError } from './errors.ts'

/** Where and as whom to call the mini-program APIs. */
export interface MiniProgramConf {
  /** e.g. `https://api.weixin.qq.com` or `http://127.0.0.1:8960`. */
  baseUrl: string
  appId: string
  secret: string
  /** Per-request timeout, default 5000 ms. */
  timeoutMs?: number
}

/** The result of `/sns/jscode2session`. `unionid` only when the app is bound to an Open Platform account. */
export interface Code2SessionResult {
  openid: string
  session_key: string
  unionid?: string
}

/** `watermark` of every decrypted payload; `appid` must be our own. */
export interface WxWatermark {
  appid: string
  timestamp: number
}

/** A decrypted `encryptedData` payload: user-info fields, phone fields, or both. */
export interface WxUserData {
  openId?: string
  unionId?: string
  nickName?: string
  /** 0 unknown, 1 male, 2 female. */
  gender?: number
  language?: string
  city?: string
  province?: string
  country?: string
  avatarUrl?: string
  /** With country code when outside mainland China, e.g. `13800138000`. */
  phoneNumber?: string
  /** Without country code. */
  purePhoneNumber?: string
  countryCode?: string
  watermark: WxWatermark
}

const DEFAULT_TIMEOUT_MS = 5000

/** Access-token errors after which a fresh token is fetched and the call retried once: invalid, expired or not the latest token. */
export const ACCESS_TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([40001, 42001, 40014])

/** Joins base URL and API path; a path prefix in the base URL is kept (new URL(path, base) would drop it). */
function endpoint(baseUrl: string, path: string, query: Record<string, string>): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  return url.toString()
}

/**
 * Calls a mini-program API and returns its JSON. Errors come back as HTTP 200 with a non-zero
 * `errcode`; success usually has no `errcode` at all, so a missing one counts as 0.
 */
async function callApi(url: string, init: RequestInit, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Record<string, unknown>> {
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    throw new WechatHttpError(`wechat request to ${new URL(url).pathname} failed`, undefined, { cause: err })
  }
  const text = await res.text()
  if (!res.ok) throw new WechatHttpError(`wechat answered HTTP ${res.status} for ${new URL(url).pathname}`, res.status)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw new WechatHttpError(`wechat answered a non-JSON body for ${new URL(url).pathname}`, res.status, { cause: err })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WechatHttpError(`wechat answered an unexpected body for ${new URL(url).pathname}`, res.status)
  }
  const obj = body as Record<string, unknown>
  const errcode = typeof obj.errcode === 'number' ? obj.errcode : 0
  if (errcode !== 0) throw new WechatApiError(errcode, typeof obj.errmsg === 'string' ? obj.errmsg : '')
  return obj
}

function requireString(obj: Record<string, unknown>, key: string, api: string): string {
  const v = obj[key]
  if (typeof v !== 'string' || v === '') throw new WechatHttpError(`${api}: response has no ${key}`)
  return v
}

/**
 * Exchanges a `wx.login` code for the user's openid and session_key (`GET /sns/jscode2session`).
 * A code works once: reuse gives WechatApiError 40163, an unknown or expired code 40029.
 */
export async function code2Session(conf: MiniProgramConf, code: string): Promise<Code2SessionResult> {
  const body = await callApi(
    endpoint(conf.baseUrl, '/sns/jscode2session', {
      appid: conf.appId,
      secret: conf.secret,
      js_code: code,
      grant_type: 'authorization_code',
    }),
    { method: 'GET' },
    conf.timeoutMs,
  )
  const result: Code2SessionResult = {
    openid: requireString(body, 'openid', 'code2Session'),
    session_key: requireString(body, 'session_key', 'code2Session'),
  }
  if (typeof body.unionid === 'string' && body.unionid !== '') result.unionid = body.unionid
  return result
}

/**
 * Decrypts a mini-program `encryptedData` (AES-128-CBC with the session_key) and checks that its
 * `watermark.appid` is `appId`, so a payload minted for another app is rejected.
 * Throws WechatDecryptError on a wrong key/iv, malformed JSON or an appid mismatch.
 */
export function decryptUserData<T extends WxUserData = WxUserData>(
  sessionKey: string,
  iv: string,
  encryptedData: string,
  appId: string,
): T {
  const plaintext = aesCbcDecrypt(sessionKey, iv, encryptedData)
  let data: unknown
  try {
    data = JSON.parse(plaintext)
  } catch (err) {
    throw new WechatDecryptError('decrypted user data is not JSON', { cause: err })
  }
  if (typeof data !== 'object' || data === null) throw new WechatDecryptError('decrypted user data is not an object')
  const watermark = (data as { watermark?: { appid?: unknown } }).watermark
  if (watermark?.appid !== appId) throw new WechatDecryptError('decrypted user data belongs to another appid')
  return data as T
}

/** Options of an AccessTokenCache. */
export interface AccessTokenCacheOptions extends MiniProgramConf {
  /** Refresh this many seconds before `expires_in` runs out; default 300. */
  marginSeconds?: number
  /** Use `POST /cgi-bin/stable_token` instead of `GET /cgi-bin/token` (does not invalidate tokens other processes hold). */
  stable?: boolean
  /** Clock, for tests. */
  now?: () => number
}

interface CachedToken {
  token: string
  refreshAt: number
}

/**
 * A process-wide access token: fetched on first use, reused until `expires_in − margin`, refreshed
 * by a single in-flight request however many callers wait, and refreshed early when WeChat says the
 * token is invalid or expired.
 */
export class AccessTokenCache {
  readonly #conf: AccessTokenCacheOptions
  readonly #now: () => number
  #cached: CachedToken | undefined
  #inflight: Promise<string> | undefined

  constructor(conf: AccessTokenCacheOptions) {
    this.#conf = conf
    this.#now = conf.now ?? Date.now
  }

  /** The current token, fetching one when there is none or it is about to expire. */
  async get(): Promise<string> {
    const cached = this.#cached
    if (cached && this.#now() < cached.refreshAt) return cached.token
    return this.#refresh(false)
  }

  /** Drops the cached token, but only if it is still `token` (a newer one fetched meanwhile is kept). */
  invalidate(token?: string): void {
    if (token === undefined || this.#cached?.token === token) this.#cached = undefined
  }

  /**
   * Runs `fn` with the current token; if WeChat answers 40001/42001/40014, fetches a new token and
   * runs `fn` once more. Other errors pass through unchanged.
   */
  async withToken<T>(fn: (token: string) => Promise<T>): Promise<T> {
    const token = await this.get()
    try {
      return await fn(token)
    } catch (err) {
      if (!(err instanceof WechatApiError) || !ACCESS_TOKEN_ERROR_CODES.has(err.errcode)) throw err
      this.invalidate(token)
      // A stable token is handed out unchanged until it expires, so only force_refresh replaces a revoked one.
      const fresh = this.#cached?.token ?? (await this.#refresh(this.#conf.stable === true))
      return fn(fresh)
    }
  }

  #refresh(force: boolean): Promise<string> {
    this.#inflight ??= this.#fetch(force).finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }

  async #fetch(force: boolean): Promise<string> {
    const c = this.#conf
    const body = c.stable
      ? await callApi(
          endpoint(c.baseUrl, '/cgi-bin/stable_token', {}),
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ grant_type: 'client_credential', appid: c.appId, secret: c.secret, force_refresh: force }),
          },
          c.timeoutMs,
        )
      : await callApi(
          endpoint(c.baseUrl, '/cgi-bin/token', { grant_type: 'client_credential', appid: c.appId, secret: c.secret }),
          { method: 'GET' },
          c.timeoutMs,
        )
    const token = requireString(body, 'access_token', 'access token')
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 7200
    const margin = c.marginSeconds ?? 300
    // A lifetime shorter than the margin would never be cached; keep it for half its life instead.
    const lifetime = expiresIn > margin ? expiresIn - margin : expiresIn / 2
    this.#cached = { token, refreshAt: this.#now() + lifetime * 1000 }
    return token
  }
}

/** One template field. WeChat accepts and ignores an empty `color` (silenceper always sends it). */
export interface SubscribeDataItem {
  value: string
}

/** Body of `POST /cgi-bin/message/subscribe/send`. */
export interface SubscribeMessage {
  /** The recipient's openid. */
  touser: string
  template_id: string
  /** Mini-program page opened from the message, may carry a query (`pages/order/detail?sn=…`). */
  page?: string
  /** Keys are the template's field names (`thing1`, `time4`, `character_string6` …); limits depend on the prefix. */
  data: Record<string, SubscribeDataItem>
  /** Which build the message opens; WeChat's default is `formal`. */
  miniprogram_state?: 'developer' | 'trial' | 'formal'
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
}

/**
 * Sends a subscribe message. With an AccessTokenCache the call is retried once on a stale token;
 * with a plain token string, errors (including 40001/42001) surface as WechatApiError.
 * Other notable errcodes: 40003 bad touser, 40037 bad template_id, 43101 user not subscribed, 47003 bad data.
 */
export async function sendSubscribeMessage(
  conf: Pick<MiniProgramConf, 'baseUrl' | 'timeoutMs'>,
  token: string | AccessTokenCache,
  message: SubscribeMessage,
): Promise<void> {
  const send = async (accessToken: string): Promise<void> => {
    await callApi(
      endpoint(conf.baseUrl, '/cgi-bin/message/subscribe/send', { access_token: accessToken }),
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(message) },
      conf.timeoutMs,
    )
  }
  if (typeof token === 'string') return send(token)
  return token.withToken(send)
}
