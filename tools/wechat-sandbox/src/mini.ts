/**
 * Mini-program side: login codes and encryptedData, access tokens, subscribe messages
 * (doc/wechat.md, Mini-program APIs), plus the driving routes that mint logins and list received messages.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { aesCbcEncrypt, nonceStr, randomBase64, unixSeconds } from '@looklook/wechat'
import { driverError, json, parseObject, type Route, type SandboxContext, type SandboxResponse } from './http.ts'
import { checkDataItem } from './subscribe-rules.ts'

interface LoginCode {
  openid: string
  sessionKey: string
  expiresAt: number
  used: boolean
}

/** A subscribe message as WeChat accepted it. */
export interface StoredMessage {
  touser: string
  template_id: string
  page: string
  data: Record<string, { value: string }>
  miniprogram_state: string
  lang: string
  receivedAt: string
}

const OLD_TOKEN_GRACE_MS = 5 * 60 * 1000
const MESSAGES_KEPT_PER_USER = 500
const PHONE_SECOND_DIGITS = '35789'

function miniError(errcode: number, errmsg: string): SandboxResponse {
  // Real errmsg values end with a request id; clients must not depend on the exact text.
  return json(200, { errcode, errmsg: `${errmsg} rid: ${randomBytes(12).toString('hex')}` })
}

/**
 * Openids are derived, not stored: `o` + 16 chars of hash(appid, nickName) + an 11-char HMAC under
 * the AppSecret. The same nickName always maps to the same openid, and any openid minted for this
 * app is recognised after a restart.
 */
export function createOpenids(appId: string, appSecret: string) {
  const tagOf = (body: string) => createHmac('sha256', appSecret).update(body).digest('base64url').slice(0, 11)
  return {
    forNickName(nickName: string): string {
      const body = createHash('sha256').update(`${appId}:${nickName}`).digest('base64url').slice(0, 16)
      return `o${body}${tagOf(body)}`
    },
    isOurs(openid: string): boolean {
      if (openid.length !== 28 || !openid.startsWith('o')) return false
      return timingSafeEqual(Buffer.from(tagOf(openid.slice(1, 17))), Buffer.from(openid.slice(17)))
    },
  }
}

/** A stable mainland mobile number per nickName (looklook keeps `phoneNumber[7:]`, so it must be ≥ 8 chars). */
function phoneFor(appId: string, nickName: string): string {
  const h = createHash('sha256').update(`phone:${appId}:${nickName}`).digest()
  let digits = ''
  for (let i = 1; i <= 9; i++) digits += String((h[i] ?? 0) % 10)
  return `1${PHONE_SECOND_DIGITS[(h[0] ?? 0) % PHONE_SECOND_DIGITS.length]}${digits}`
}

export function createMini(ctx: SandboxContext) {
  const { conf, now } = ctx
  const openids = createOpenids(conf.AppId, conf.AppSecret)
  const codes = new Map<string, LoginCode>()
  /** token → expiry (ms). */
  const tokens = new Map<string, number>()
  let latestToken: string | undefined
  let stableToken: string | undefined
  const messages = new Map<string, StoredMessage[]>()

  function issueToken(previous: string | undefined): string {
    const t = now()
    // A new token leaves the previous one usable for 5 more minutes, as WeChat's does.
    if (previous !== undefined) tokens.set(previous, Math.min(tokens.get(previous) ?? 0, t + OLD_TOKEN_GRACE_MS))
    for (const [tok, exp] of tokens) if (exp <= t) tokens.delete(tok)
    const token = `${nonceStr(24)}${randomBytes(48).toString('base64url')}`
    tokens.set(token, t + conf.AccessTokenTtlSeconds * 1000)
    return token
  }

  /** The token APIs answer a wrong secret with 40001, jscode2session with 40125. */
  function checkCredentials(appid: unknown, secret: unknown, badSecret: SandboxResponse): SandboxResponse | undefined {
    if (appid !== conf.AppId) return miniError(40013, 'invalid appid')
    if (secret !== conf.AppSecret) return badSecret
    return undefined
  }
  const badTokenSecret = () => miniError(40001, 'invalid credential, AppSecret error or access_token is invalid')

  function checkToken(token: string | null): SandboxResponse | undefined {
    if (!token) return miniError(41001, 'access_token missing')
    const exp = tokens.get(token)
    if (exp === undefined) return miniError(40001, 'invalid credential, access_token is invalid or not latest')
    if (exp <= now()) return miniError(42001, 'access_token expired')
    return undefined
  }

  const login: Route['handler'] = (req) => {
    const body = parseObject(req.body)
    const nickName = body?.nickName
    if (typeof nickName !== 'string' || nickName.trim() === '' || nickName.length > 64) {
      return driverError(400, 'PARAM_ERROR', 'nickName must be a non-empty string of at most 64 characters')
    }
    const openid = openids.forNickName(nickName)
    const h = createHash('sha256').update(`profile:${openid}`).digest('hex')
    const phone = phoneFor(conf.AppId, nickName)
    const sessionKey = randomBase64(16)
    const iv = randomBase64(16)
    // One payload with both the user-info and the phone fields, so either decoding path works.
    const payload = {
      openId: openid,
      nickName,
      gender: Number.parseInt(h.slice(0, 2), 16) % 3,
      language: 'zh_CN',
      city: 'Shenzhen',
      province: 'Guangdong',
      country: 'China',
      avatarUrl: `https://thirdwx.qlogo.cn/mmopen/vi_32/${h.slice(0, 40)}/132`,
      phoneNumber: phone,
      purePhoneNumber: phone,
      countryCode: '86',
      watermark: { appid: conf.AppId, timestamp: unixSeconds(now()) },
    }
    if (codes.size > 10_000) for (const [c, v] of codes) if (v.used || v.expiresAt <= now()) codes.delete(c)
    const code = randomBytes(24).toString('base64url')
    codes.set(code, { openid, sessionKey, expiresAt: now() + conf.CodeTtlSeconds * 1000, used: false })
    return json(200, { code, iv, encryptedData: aesCbcEncrypt(sessionKey, iv, JSON.stringify(payload)), openid })
  }

  const jscode2session: Route['handler'] = (req) => {
    const q = req.url.searchParams
    const bad = checkCredentials(q.get('appid'), q.get('secret'), miniError(40125, 'invalid appsecret'))
    if (bad) return bad
    if (q.get('grant_type') !== 'authorization_code') return miniError(40002, 'invalid grant_type')
    const jsCode = q.get('js_code')
    if (!jsCode) return miniError(41008, 'missing code')
    const entry = codes.get(jsCode)
    if (!entry || entry.expiresAt <= now()) return miniError(40029, 'invalid code')
    if (entry.used) return miniError(40163, 'code been used')
    entry.used = true
    return json(200, { session_key: entry.sessionKey, openid: entry.openid })
  }

  const token: Route['handler'] = (req) => {
    const q = req.url.searchParams
    if (q.get('grant_type') !== 'client_credential') return miniError(40002, 'invalid grant_type')
    const bad = checkCredentials(q.get('appid'), q.get('secret'), badTokenSecret())
    if (bad) return bad
    latestToken = issueToken(latestToken)
    return json(200, { access_token: latestToken, expires_in: conf.AccessTokenTtlSeconds })
  }

  const stable: Route['handler'] = (req) => {
    const body = parseObject(req.body)
    if (!body) return miniError(47001, 'data format error')
    if (body.grant_type !== 'client_credential') return miniError(40002, 'invalid grant_type')
    const bad = checkCredentials(body.appid, body.secret, badTokenSecret())
    if (bad) return bad
    const exp = stableToken === undefined ? 0 : (tokens.get(stableToken) ?? 0)
    // Normal mode hands out the same token until 5 minutes before it expires.
    if (body.force_refresh === true || exp - now() < OLD_TOKEN_GRACE_MS) stableToken = issueToken(stableToken)
    const remaining = Math.floor(((tokens.get(stableToken ?? '') ?? 0) - now()) / 1000)
    return json(200, { access_token: stableToken, expires_in: remaining })
  }

  const subscribeSend: Route['handler'] = (req) => {
    const badToken = checkToken(req.url.searchParams.get('access_token'))
    if (badToken) return badToken
    const body = parseObject(req.body)
    if (!body) return miniError(47001, 'data format error')
    if (typeof body.touser !== 'string' || !openids.isOurs(body.touser)) return miniError(40003, 'invalid openid')
    if (typeof body.template_id !== 'string' || body.template_id === '') return miniError(40037, 'invalid template_id')
    if (body.page !== undefined && typeof body.page !== 'string') return miniError(41030, 'invalid page')
    const state = body.miniprogram_state ?? ''
    if (typeof state !== 'string' || !['', 'developer', 'trial', 'formal'].includes(state)) {
      return miniError(47003, 'argument invalid! miniprogram_state invalid')
    }
    const lang = body.lang ?? ''
    if (typeof lang !== 'string' || !['', 'zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(lang)) {
      return miniError(47003, 'argument invalid! lang invalid')
    }
    const data = body.data
    if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.keys(data).length === 0) {
      return miniError(47003, 'argument invalid! data is empty')
    }
    const stored: StoredMessage['data'] = {}
    for (const [key, item] of Object.entries(data)) {
      const problem = checkDataItem(key, item)
      if (problem) return miniError(47003, problem)
      stored[key] = { value: (item as { value: string }).value }
    }
    const list = messages.get(body.touser) ?? []
    list.push({
      touser: body.touser,
      template_id: body.template_id,
      page: body.page ?? '',
      data: stored,
      miniprogram_state: state || 'formal',
      lang: lang || 'zh_CN',
      receivedAt: new Date(now()).toISOString(),
    })
    if (list.length > MESSAGES_KEPT_PER_USER) list.shift()
    messages.set(body.touser, list)
    return json(200, { errcode: 0, errmsg: 'ok' })
  }

  const listMessages: Route['handler'] = (req) => {
    const openid = req.url.searchParams.get('openid')
    if (!openid) return driverError(400, 'PARAM_ERROR', 'openid is required')
    return json(200, { openid, messages: messages.get(openid) ?? [] })
  }

  const expireTokens: Route['handler'] = () => {
    // Lets tests exercise the refresh-and-retry path (42001) without waiting two hours.
    for (const tok of tokens.keys()) tokens.set(tok, now())
    return json(200, { expired: tokens.size })
  }

  const routes: Route[] = [
    { method: 'GET', path: '/sns/jscode2session', handler: jscode2session },
    { method: 'GET', path: '/cgi-bin/token', handler: token },
    { method: 'POST', path: '/cgi-bin/stable_token', handler: stable },
    { method: 'POST', path: '/cgi-bin/message/subscribe/send', handler: subscribeSend },
    { method: 'POST', path: '/sandbox/login', handler: login },
    { method: 'GET', path: '/sandbox/messages', handler: listMessages },
    { method: 'POST', path: '/sandbox/expire-tokens', handler: expireTokens },
  ]
  return { routes, isOurOpenid: openids.isOurs }
}
