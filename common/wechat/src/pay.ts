/**
 * WeChat Pay API v3 client for JSAPI (mini-program) payments: signed requests, verified responses,
 * `wx.requestPayment` parameters, payment notifications and platform certificates
 * (doc/wechat.md, WeChat Pay v3). node:crypto and fetch only; the base URL comes from config.
 */

import type { KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  aeadDecrypt,
  certificateSerial,
  type EncryptedResource,
  type HeaderSource,
  nonceStr,
  PlatformVerifier,
  signRequest,
  signSha256Rsa,
  toPrivateKey,
  toPublicKey,
  unixSeconds,
  verifySha256Rsa,
} from './crypto.ts'
import { WechatDecryptError, WechatError, WechatHttpError, WechatPayError } from './errors.ts'

/**
 * The keys WeChat signs with, as the merchant trusts them. Either or both may be given; with
 * neither, call `downloadCertificates()` first (certificate mode), as every signed answer fails until then.
 */
export interface PlatformKeysConf {
  /** PEM platform certificates (certificate mode); each is trusted under its own serial. */
  certificates?: string[]
  /** The WeChat Pay public key (public-key mode, the default for new merchants) and its id `PUB_KEY_ID_…`. */
  publicKey?: { id: string; pem: string }
}

/** Everything a WechatPayClient needs. */
export interface WechatPayConf {
  /** `https://api.mch.weixin.qq.com` or the sandbox root, e.g. `http://127.0.0.1:8960`. */
  baseUrl: string
  mchId: string
  /** The mini-program appid the payments are made in. */
  appId: string
  /** Serial of the merchant API certificate (uppercase hex). */
  serialNo: string
  /** The merchant API private key (`apiclient_key.pem`). */
  privateKeyPem: string
  /** The 32-character APIv3 key. */
  apiV3Key: string
  platform: PlatformKeysConf
  /** Per-request timeout, default 5000 ms. */
  timeoutMs?: number
  /** Clock in ms, for tests. */
  now?: () => number
}

/** Paths of the key files a service reads at boot (all files are trimmed of surrounding whitespace). */
export interface WechatPayKeyFiles {
  /** Merchant private key PEM. */
  privateKeyPath: string
  /** File holding the merchant certificate serial. */
  serialNoPath: string
  /** File holding the 32-character APIv3 key. */
  apiV3KeyPath: string
  /** Platform certificate PEM files (certificate mode). */
  platformCertificatePaths?: string[]
  /** WeChat Pay public key PEM (public-key mode)… */
  publicKeyPath?: string
  /** …and the file holding its `PUB_KEY_ID_…`. */
  publicKeyIdPath?: string
}

/** Reads the secret parts of a WechatPayConf from files (Kubernetes secrets, the sandbox's `data/wechat`). */
export function readWechatPayKeyFiles(
  files: WechatPayKeyFiles,
): Pick<WechatPayConf, 'serialNo' | 'privateKeyPem' | 'apiV3Key' | 'platform'> {
  const read = (path: string) => readFileSync(path, 'utf8').trim()
  const platform: PlatformKeysConf = {}
  if (files.platformCertificatePaths?.length) platform.certificates = files.platformCertificatePaths.map(read)
  if (files.publicKeyPath || files.publicKeyIdPath) {
    if (!files.publicKeyPath || !files.publicKeyIdPath) throw new WechatError('publicKeyPath and publicKeyIdPath go together')
    platform.publicKey = { id: read(files.publicKeyIdPath), pem: read(files.publicKeyPath) }
  }
  return {
    privateKeyPem: read(files.privateKeyPath),
    serialNo: read(files.serialNoPath),
    apiV3Key: read(files.apiV3KeyPath),
    platform,
  }
}

/** Input of a JSAPI prepay, in camelCase; mapped to WeChat's snake_case body. */
export interface JsapiPrepayRequest {
  /** ≤127 characters, shown to the payer. */
  description: string
  /** 6–32 of `[0-9A-Za-z_-|*]`, unique per merchant. */
  outTradeNo: string
  /** HTTPS URL without query in production; receives the payment notification. */
  notifyUrl: string
  /** Amount in fen (integer). */
  amountTotal: number
  /** The payer's openid in `appId`. */
  openid: string
  currency?: 'CNY'
  /** ≤128 characters, echoed in the notification. */
  attach?: string
  /** Order expiry; sent as RFC 3339. */
  timeExpire?: Date
  goodsTag?: string
}

/** Parameters for `wx.requestPayment`, in the keys wechatpay-go returns. */
export interface JsapiPayParams {
  appId: string
  /** 10-digit Unix seconds, as a string. */
  timeStamp: string
  nonceStr: string
  /** `prepay_id=…` */
  package: string
  signType: 'RSA'
  /** base64 SHA256-RSA over `appId\ntimeStamp\nnonceStr\npackage\n` with the merchant key. */
  paySign: string
}

/** The pay params in the shape looklook's `thirdPaymentWxPay` route answers with. */
export interface LooklookPayParams {
  appid: string
  nonceStr: string
  paySign: string
  package: string
  timestamp: string
  signType: string
}

/** Maps JsapiPayParams to looklook's `{appid, nonceStr, paySign, package, timestamp, signType}`. */
export function toLooklookPayParams(p: JsapiPayParams): LooklookPayParams {
  return { appid: p.appId, nonceStr: p.nonceStr, paySign: p.paySign, package: p.package, timestamp: p.timeStamp, signType: p.signType }
}

/** The message a JSAPI paySign covers. signType is not part of it. */
export function paySignMessage(appId: string, timeStamp: string, nonce: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonce}\n${pkg}\n`
}

/** Checks a paySign with the merchant public key or certificate (what WeChat does when the payer pays). */
export function verifyJsapiPaySign(params: Omit<JsapiPayParams, 'signType'>, merchantPublicKey: string | KeyObject): boolean {
  return verifySha256Rsa(
    paySignMessage(params.appId, params.timeStamp, params.nonceStr, params.package),
    params.paySign,
    toPublicKey(merchantPublicKey),
  )
}

/** `trade_state` values of a transaction. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'

/** A transaction, as decrypted from a notification or returned by the order query. */
export interface Transaction {
  appid: string
  mchid: string
  out_trade_no: string
  /** WeChat's id; absent while NOTPAY. */
  transaction_id?: string
  trade_type?: string
  trade_state: TradeState
  trade_state_desc: string
  bank_type?: string
  attach?: string
  /** RFC 3339 with `+08:00`; only once paid. */
  success_time?: string
  payer?: { openid: string }
  amount?: { total: number; payer_total?: number; currency?: string; payer_currency?: string }
  promotion_detail?: unknown[]
  scene_info?: { device_id?: string }
}

/** The (still encrypted) envelope WeChat posts to notify_url. */
export interface PayNotification {
  id: string
  create_time: string
  resource_type: string
  /** `TRANSACTION.SUCCESS` for a paid order. */
  event_type: string
  summary: string
  resource: EncryptedResource
}

/** A platform certificate from `/v3/certificates`, decrypted. */
export interface PlatformCertificate {
  serialNo: string
  effectiveTime: string
  expireTime: string
  pem: string
}

interface RawResponse {
  status: number
  headers: Headers
  text: string
}

const DEFAULT_TIMEOUT_MS = 5000
const USER_AGENT = 'looklook-wechat (node)'

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new WechatHttpError(`${what}: body is not JSON`, undefined, { cause: err })
  }
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * A WeChat Pay v3 merchant client. Requests are signed with the merchant key; 2xx responses must
 * carry a valid WeChat signature (a known `Wechatpay-Serial`, a timestamp within 300 s, RSA-SHA256
 * over `TS\nNONCE\nBODY\n`) or the call fails with WechatSignatureError. Non-2xx answers become
 * WechatPayError with WeChat's `code`/`message`.
 */
export class WechatPayClient {
  /** The trusted WeChat keys (certificates and public key), by serial / id. */
  readonly verifier: PlatformVerifier
  readonly #conf: WechatPayConf
  readonly #privateKey: KeyObject
  readonly #now: () => number

  constructor(conf: WechatPayConf) {
    if (Buffer.byteLength(conf.apiV3Key, 'utf8') !== 32) throw new WechatError('apiV3Key must be 32 bytes')
    this.#conf = conf
    this.#now = conf.now ?? Date.now
    this.#privateKey = toPrivateKey(conf.privateKeyPem)
    this.verifier = new PlatformVerifier({ now: this.#now })
    for (const pem of conf.platform.certificates ?? []) this.verifier.addCertificate(pem)
    if (conf.platform.publicKey) this.verifier.addKey(conf.platform.publicKey.id, conf.platform.publicKey.pem)
  }

  async #send(method: 'GET' | 'POST', pathWithQuery: string, body?: unknown): Promise<RawResponse> {
    const c = this.#conf
    const payload = body === undefined ? '' : JSON.stringify(body)
    const url = new URL(`${c.baseUrl.replace(/\/+$/, '')}${pathWithQuery}`)
    // Sign exactly what goes on the wire: pathname + search of the final URL, which is what WeChat checks.
    const authorization = signRequest({
      method,
      pathWithQuery: url.pathname + url.search,
      body: payload,
      mchId: c.mchId,
      serialNo: c.serialNo,
      privateKey: this.#privateKey,
      timestamp: unixSeconds(this.#now()),
    })
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json', 'User-Agent': USER_AGENT }
    if (payload !== '') headers['Content-Type'] = 'application/json'
    // In public-key mode WeChat signs with the public key only when asked for it by id (doc/wechat.md).
    if (c.platform.publicKey) headers['Wechatpay-Serial'] = c.platform.publicKey.id
    let res: Response
    try {
      res = await fetch(url, {
        method,
        headers,
        signal: AbortSignal.timeout(c.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        ...(payload === '' ? {} : { body: payload }),
      })
    } catch (err) {
      throw new WechatHttpError(`wechat pay ${method} ${url.pathname} failed`, undefined, { cause: err })
    }
    return { status: res.status, headers: res.headers, text: await res.text() }
  }

  #throwIfError(res: RawResponse, what: string): void {
    if (res.status >= 200 && res.status < 300) return
    const body = tryParseJson(res.text)
    const requestId = res.headers.get('Request-ID') ?? undefined
    if (isObject(body) && typeof body.code === 'string') {
      throw new WechatPayError(res.status, body.code, typeof body.message === 'string' ? body.message : '', body.detail, requestId)
    }
    throw new WechatHttpError(`${what}: HTTP ${res.status}`, res.status)
  }

  /**
   * Sends a signed request and returns the verified JSON body (undefined for an empty 2xx body, e.g. 204).
   * Exposed for v3 APIs without a dedicated method (close order, refunds …).
   */
  async request<T = unknown>(method: 'GET' | 'POST', pathWithQuery: string, body?: unknown): Promise<T> {
    const res = await this.#send(method, pathWithQuery, body)
    this.#throwIfError(res, `${method} ${pathWithQuery}`)
    this.verifier.verify(res.headers, res.text)
    return (res.text === '' ? undefined : parseJson(res.text, pathWithQuery)) as T
  }

  /** `POST /v3/pay/transactions/jsapi`; returns the prepay_id (valid 2 h). */
  async jsapiPrepay(req: JsapiPrepayRequest): Promise<string> {
    const c = this.#conf
    const body: Record<string, unknown> = {
      appid: c.appId,
      mchid: c.mchId,
      description: req.description,
      out_trade_no: req.outTradeNo,
      notify_url: req.notifyUrl,
      amount: { total: req.amountTotal, currency: req.currency ?? 'CNY' },
      payer: { openid: req.openid },
    }
    if (req.attach !== undefined) body.attach = req.attach
    if (req.timeExpire !== undefined) body.time_expire = toRfc3339China(req.timeExpire)
    if (req.goodsTag !== undefined) body.goods_tag = req.goodsTag
    const res = await this.request<unknown>('POST', '/v3/pay/transactions/jsapi', body)
    if (!isObject(res) || typeof res.prepay_id !== 'string' || res.prepay_id === '') {
      throw new WechatHttpError('jsapi prepay: response has no prepay_id')
    }
    return res.prepay_id
  }

  /** Signs `wx.requestPayment` parameters for a prepay_id with the merchant key. */
  buildJsapiPayParams(prepayId: string): JsapiPayParams {
    const appId = this.#conf.appId
    const timeStamp = String(unixSeconds(this.#now()))
    const nonce = nonceStr()
    const pkg = `prepay_id=${prepayId}`
    const paySign = signSha256Rsa(paySignMessage(appId, timeStamp, nonce, pkg), this.#privateKey)
    return { appId, timeStamp, nonceStr: nonce, package: pkg, signType: 'RSA', paySign }
  }

  /** jsapiPrepay followed by buildJsapiPayParams (wechatpay-go's PrepayWithRequestPayment). */
  async jsapiPrepayWithPayParams(req: JsapiPrepayRequest): Promise<JsapiPayParams & { prepayId: string }> {
    const prepayId = await this.jsapiPrepay(req)
    return { prepayId, ...this.buildJsapiPayParams(prepayId) }
  }

  /** `GET /v3/pay/transactions/out-trade-no/{no}?mchid=`; 404 ORDER_NOT_EXIST surfaces as WechatPayError. */
  async queryOrderByOutTradeNo(outTradeNo: string): Promise<Transaction> {
    return this.request<Transaction>(
      'GET',
      `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.#conf.mchId)}`,
    )
  }

  /**
   * Verifies a notification's signature over the **raw** body (before any JSON parsing) and returns
   * the parsed envelope. Throws WechatSignatureError when the signature, serial or timestamp is bad.
   */
  verifyNotification(headers: HeaderSource, rawBody: string | Buffer): PayNotification {
    const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')
    this.verifier.verify(headers, text)
    const body = parseJson(text, 'notification')
    if (!isObject(body) || typeof body.id !== 'string' || typeof body.event_type !== 'string' || !isObject(body.resource)) {
      throw new WechatError('notification body is not a WeChat Pay notification')
    }
    return body as unknown as PayNotification
  }

  /** Decrypts a notification resource (AEAD_AES_256_GCM with the APIv3 key, tag checked) into its JSON object. */
  decryptResource<T = Transaction>(resource: EncryptedResource): T {
    if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new WechatDecryptError(`unsupported algorithm ${resource.algorithm}`)
    const text = aeadDecrypt(this.#conf.apiV3Key, resource.nonce, resource.associated_data ?? '', resource.ciphertext)
    try {
      return JSON.parse(text) as T
    } catch (err) {
      throw new WechatDecryptError('decrypted resource is not JSON', { cause: err })
    }
  }

  /** verifyNotification + decryptResource for a transaction notification. */
  parseTransactionNotification(
    headers: HeaderSource,
    rawBody: string | Buffer,
  ): { notification: PayNotification; transaction: Transaction } {
    const notification = this.verifyNotification(headers, rawBody)
    const transaction = this.decryptResource<Transaction>(notification.resource)
    if (typeof transaction.out_trade_no !== 'string' || typeof transaction.trade_state !== 'string') {
      throw new WechatDecryptError('decrypted resource is not a transaction')
    }
    return { notification, transaction }
  }

  /**
   * `GET /v3/certificates`: decrypts every platform certificate with the APIv3 key, verifies the
   * response signature (with an already trusted key or one of the returned certificates, whose
   * authenticity the APIv3-key AEAD vouches for), trusts them, and returns them.
   */
  async downloadCertificates(): Promise<PlatformCertificate[]> {
    const res = await this.#send('GET', '/v3/certificates')
    this.#throwIfError(res, 'GET /v3/certificates')
    const body = parseJson(res.text, '/v3/certificates')
    if (!isObject(body) || !Array.isArray(body.data)) throw new WechatHttpError('/v3/certificates: response has no data')
    const certs: PlatformCertificate[] = []
    for (const item of body.data) {
      if (!isObject(item) || typeof item.serial_no !== 'string' || !isObject(item.encrypt_certificate)) {
        throw new WechatHttpError('/v3/certificates: malformed entry')
      }
      const enc = item.encrypt_certificate as unknown as EncryptedResource
      const pem = aeadDecrypt(this.#conf.apiV3Key, enc.nonce, enc.associated_data ?? '', enc.ciphertext)
      if (certificateSerial(pem) !== item.serial_no.toUpperCase()) {
        throw new WechatDecryptError(`/v3/certificates: certificate serial differs from serial_no ${item.serial_no}`)
      }
      certs.push({
        serialNo: item.serial_no.toUpperCase(),
        effectiveTime: String(item.effective_time ?? ''),
        expireTime: String(item.expire_time ?? ''),
        pem,
      })
    }
    this.verifier.verify(res.headers, res.text, new Map(certs.map((c) => [c.serialNo, toPublicKey(c.pem)])))
    for (const c of certs) this.verifier.addCertificate(c.pem)
    return certs
  }
}

/** RFC 3339 in China time (`2024-05-01T12:00:00+08:00`), the form WeChat writes and expects. */
export function toRfc3339China(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600 * 1000)
  return `${shifted.toISOString().slice(0, 19)}+08:00`
}
