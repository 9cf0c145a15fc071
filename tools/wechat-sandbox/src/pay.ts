/**
 * WeChat Pay v3 side: merchant-signed requests (verified), JSAPI prepay, order query and close,
 * the platform certificate list, and signed + encrypted payment notifications posted to the
 * prepay's notify_url when the driving API "pays" an order (doc/wechat.md, WeChat Pay v3).
 */
import { generateKeyPairSync, type KeyObject, randomBytes, randomInt, randomUUID } from 'node:crypto'
import {
  aeadEncrypt,
  headerValue,
  nonceStr,
  parseAuthorization,
  requestSignMessage,
  signatureHeaders,
  type TradeState,
  type Transaction,
  toRfc3339China,
  unixSeconds,
  verifyJsapiPaySign,
  verifySha256Rsa,
} from '@looklook/wechat'
import { driverError, json, parseObject, type Route, type SandboxContext, type SandboxRequest, type SandboxResponse } from './http.ts'

interface PayOrder {
  appid: string
  mchid: string
  description: string
  outTradeNo: string
  notifyUrl: string
  total: number
  currency: string
  openid: string
  attach: string | undefined
  /** The request fields that decide whether a repeated prepay is "the same order". */
  fingerprint: string
  prepayId: string
  prepayExpiresAt: number
  tradeState: TradeState
  transactionId: string | undefined
  successTime: string | undefined
}

/** One POST of a notification and what the notify URL answered (status 0: no answer). */
export interface Delivery {
  status: number
  body: string
  error?: string
}

const TRADE_STATES: readonly TradeState[] = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR']
const TRADE_STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '未支付',
  CLOSED: '已关闭',
  REVOKED: '已撤销（付款码支付）',
  USERPAYING: '用户支付中（付款码支付）',
  PAYERROR: '支付失败（其他原因，如银行返回失败）',
}
const PREPAY_TTL_MS = 2 * 3600 * 1000
const REQUEST_SKEW_SECONDS = 300
const MAX_NOTIFY_TIMES = 20
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

function chinaStamp(ms: number): string {
  return toRfc3339China(new Date(ms)).slice(0, 19).replace(/\D/g, '')
}

export function createPay(ctx: SandboxContext, isOurOpenid: (openid: string) => boolean) {
  const { conf, keys, now, log } = ctx
  const orders = new Map<string, PayOrder>()
  const byPrepayId = new Map<string, string>()
  let forgeryKey: KeyObject | undefined

  /** A key WeChat never had: signs `badSignature` notifications under the real serial. */
  function forgery(): KeyObject {
    forgeryKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    return forgeryKey
  }

  const publicKeySigner = { key: keys.publicKey.privateKey, serial: keys.publicKey.id }
  const certSigner = { key: keys.platformCert.privateKey, serial: keys.platformCert.serialNo }
  const defaultSigner = conf.SignMode === 'publickey' ? publicKeySigner : certSigner

  /** A request naming a key in `Wechatpay-Serial` gets its answer signed with that key, as WeChat does during the public-key migration. */
  function signerFor(req: SandboxRequest) {
    const asked = headerValue(req.headers, 'Wechatpay-Serial')
    if (asked === publicKeySigner.serial) return publicKeySigner
    if (asked === certSigner.serial) return certSigner
    return defaultSigner
  }

  function signed(status: number, body: unknown, signer: { key: KeyObject; serial: string }): SandboxResponse {
    const text = body === undefined ? '' : JSON.stringify(body)
    const headers: Record<string, string> = {
      'Request-ID': `08${randomBytes(16).toString('hex').toUpperCase()}-0`,
      ...signatureHeaders(text, signer.key, signer.serial, { timestamp: unixSeconds(now()) }),
    }
    if (text !== '') headers['Content-Type'] = 'application/json; charset=utf-8'
    return { status, headers, body: text }
  }

  const payError = (req: SandboxRequest, status: number, code: string, message: string, detail?: unknown) =>
    signed(status, detail === undefined ? { code, message } : { code, message, detail }, signerFor(req))

  const paramError = (req: SandboxRequest, field: string, message: string) =>
    payError(req, 400, 'PARAM_ERROR', message, { field, location: 'body' })

  /** Checks the merchant's Authorization header; a SIGN_ERROR response when anything is off. */
  function verifyMerchant(req: SandboxRequest): SandboxResponse | undefined {
    const auth = parseAuthorization(headerValue(req.headers, 'Authorization'))
    if (!auth) return payError(req, 401, 'SIGN_ERROR', 'Authorization header is missing or not WECHATPAY2-SHA256-RSA2048')
    if (auth.mchid !== conf.MchId) return payError(req, 401, 'SIGN_ERROR', `mchid ${auth.mchid} in Authorization is unknown`)
    if (auth.serial_no.toUpperCase() !== keys.merchant.serialNo) {
      return payError(req, 401, 'SIGN_ERROR', `serial_no ${auth.serial_no} is not the merchant API certificate`)
    }
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(unixSeconds(now()) - Number(auth.timestamp)) > REQUEST_SKEW_SECONDS) {
      return payError(req, 401, 'SIGN_ERROR', 'timestamp in Authorization is outside the allowed window')
    }
    const message = requestSignMessage(req.method, req.rawPath, auth.timestamp, auth.nonce_str, req.body)
    if (!verifySha256Rsa(message, auth.signature, keys.merchant.publicKey)) {
      // WeChat echoes what it verified, which is how merchants find a path or body mismatch.
      return payError(req, 401, 'SIGN_ERROR', '错误的签名，验签失败', {
        field: 'signature',
        location: 'authorization',
        issue: 'sign not match',
        sign_information: {
          method: req.method,
          url: req.rawPath,
          truncated_sign_message: message.slice(0, 120),
          sign_message_length: Buffer.byteLength(message),
        },
      })
    }
    return undefined
  }

  function transactionOf(o: PayOrder, total = o.total): Transaction {
    const paid = o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND'
    const t: Transaction = {
      appid: o.appid,
      mchid: o.mchid,
      out_trade_no: o.outTradeNo,
      trade_type: 'JSAPI',
      trade_state: o.tradeState,
      trade_state_desc: TRADE_STATE_DESC[o.tradeState],
      attach: o.attach ?? '',
      payer: { openid: o.openid },
      amount: paid ? { total, payer_total: total, currency: o.currency, payer_currency: o.currency } : { total, currency: o.currency },
    }
    if (o.transactionId) t.transaction_id = o.transactionId
    if (paid) {
      t.bank_type = 'OTHERS'
      if (o.successTime) t.success_time = o.successTime
    }
    return t
  }

  function str(v: unknown, max: number): string | undefined {
    return typeof v === 'string' && v !== '' && [...v].length <= max ? v : undefined
  }

  const jsapi: Route['handler'] = (req) => {
    const unauthorized = verifyMerchant(req)
    if (unauthorized) return unauthorized
    const b = parseObject(req.body)
    if (!b) return payError(req, 400, 'PARAM_ERROR', 'body is not a JSON object')
    const appid = str(b.appid, 32)
    const mchid = str(b.mchid, 32)
    const description = str(b.description, 127)
    if (!appid) return paramError(req, 'appid', 'appid is required (string, at most 32)')
    if (!mchid) return paramError(req, 'mchid', 'mchid is required (string, at most 32)')
    if (!description) return paramError(req, 'description', 'description is required (string, at most 127)')
    const outTradeNo = typeof b.out_trade_no === 'string' && OUT_TRADE_NO.test(b.out_trade_no) ? b.out_trade_no : undefined
    if (!outTradeNo) return paramError(req, 'out_trade_no', 'out_trade_no must be 6-32 characters of [0-9A-Za-z_-|*]')
    const notifyUrl = str(b.notify_url, 255)
    let notify: URL | undefined
    try {
      notify = notifyUrl ? new URL(notifyUrl) : undefined
    } catch {
      notify = undefined
    }
    // Real WeChat insists on https; the sandbox also takes http so local services can be called back.
    if (!notify || !['http:', 'https:'].includes(notify.protocol) || notify.search !== '') {
      return paramError(req, 'notify_url', 'notify_url must be an absolute http(s) URL without query, at most 255 characters')
    }
    const amount = b.amount as { total?: unknown; currency?: unknown } | undefined
    if (typeof amount !== 'object' || amount === null || !Number.isInteger(amount.total) || (amount.total as number) < 1) {
      return paramError(req, 'amount.total', 'amount.total must be a positive integer (fen)')
    }
    if (amount.currency !== undefined && amount.currency !== 'CNY') return paramError(req, 'amount.currency', 'amount.currency must be CNY')
    const openid = str((b.payer as { openid?: unknown } | undefined)?.openid, 128)
    if (!openid) return paramError(req, 'payer.openid', 'payer.openid is required')
    if (b.attach !== undefined && str(b.attach, 128) === undefined)
      return paramError(req, 'attach', 'attach must be a string of at most 128')
    if (b.time_expire !== undefined && (typeof b.time_expire !== 'string' || !RFC3339.test(b.time_expire))) {
      return paramError(req, 'time_expire', 'time_expire must be RFC 3339, e.g. 2018-06-08T10:34:56+08:00')
    }
    if (mchid !== conf.MchId || appid !== conf.AppId) return payError(req, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配')
    if (!isOurOpenid(openid)) return paramError(req, 'payer.openid', 'openid和appid不匹配')

    const total = amount.total as number
    const attach = typeof b.attach === 'string' ? b.attach : undefined
    const fingerprint = JSON.stringify([
      appid,
      mchid,
      description,
      notifyUrl,
      total,
      openid,
      attach ?? '',
      b.time_expire ?? '',
      b.goods_tag ?? '',
    ])
    const existing = orders.get(outTradeNo)
    if (existing) {
      if (existing.fingerprint !== fingerprint) return payError(req, 403, 'OUT_TRADE_NO_USED', '商户订单号重复')
      if (existing.tradeState === 'SUCCESS') return payError(req, 400, 'ORDER_PAID', '该订单已支付')
      if (existing.tradeState === 'CLOSED') return payError(req, 400, 'ORDER_CLOSED', '该订单已关闭')
      if (existing.prepayExpiresAt <= now()) {
        existing.prepayId = `wx${chinaStamp(now())}${randomBytes(10).toString('hex')}`
        existing.prepayExpiresAt = now() + PREPAY_TTL_MS
        byPrepayId.set(existing.prepayId, outTradeNo)
      }
      return signed(200, { prepay_id: existing.prepayId }, signerFor(req))
    }
    const order: PayOrder = {
      appid,
      mchid,
      description,
      outTradeNo,
      notifyUrl: notifyUrl as string,
      total,
      currency: 'CNY',
      openid,
      attach,
      fingerprint,
      prepayId: `wx${chinaStamp(now())}${randomBytes(10).toString('hex')}`,
      prepayExpiresAt: now() + PREPAY_TTL_MS,
      tradeState: 'NOTPAY',
      transactionId: undefined,
      successTime: undefined,
    }
    orders.set(outTradeNo, order)
    byPrepayId.set(order.prepayId, outTradeNo)
    return signed(200, { prepay_id: order.prepayId }, signerFor(req))
  }

  const ORDER_PATH = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/

  const queryOrder: Route['handler'] = (req) => {
    const unauthorized = verifyMerchant(req)
    if (unauthorized) return unauthorized
    if (req.url.searchParams.get('mchid') !== conf.MchId)
      return payError(req, 400, 'PARAM_ERROR', 'mchid query parameter is missing or wrong')
    const no = decodeURIComponent(ORDER_PATH.exec(req.url.pathname)?.[1] ?? '')
    const order = orders.get(no)
    if (!order) return payError(req, 404, 'ORDER_NOT_EXIST', '订单不存在')
    return signed(200, transactionOf(order), signerFor(req))
  }

  const closeOrder: Route['handler'] = (req) => {
    const unauthorized = verifyMerchant(req)
    if (unauthorized) return unauthorized
    if (parseObject(req.body)?.mchid !== conf.MchId) return paramError(req, 'mchid', 'mchid is missing or wrong')
    const no = decodeURIComponent(ORDER_PATH.exec(req.url.pathname)?.[1] ?? '')
    const order = orders.get(no)
    if (!order) return payError(req, 404, 'ORDER_NOT_EXIST', '订单不存在')
    if (order.tradeState === 'SUCCESS' || order.tradeState === 'REFUND') return payError(req, 400, 'ORDER_PAID', '该订单已支付')
    order.tradeState = 'CLOSED'
    return signed(204, undefined, signerFor(req))
  }

  const certificates: Route['handler'] = (req) => {
    const unauthorized = verifyMerchant(req)
    if (unauthorized) return unauthorized
    const nonce = nonceStr(12)
    const entry = {
      serial_no: keys.platformCert.serialNo,
      effective_time: toRfc3339China(keys.platformCert.notBefore),
      expire_time: toRfc3339China(keys.platformCert.notAfter),
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM',
        nonce,
        associated_data: 'certificate',
        ciphertext: aeadEncrypt(keys.apiV3Key, nonce, 'certificate', keys.platformCert.pem),
      },
    }
    // The list is signed by a certificate it contains, whatever the sign mode.
    return signed(200, { data: [entry] }, certSigner)
  }

  async function post(url: string, body: string, headers: Record<string, string>): Promise<Delivery> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/4.0', ...headers },
        body,
        signal: AbortSignal.timeout(conf.NotifyTimeoutMs),
      })
      return { status: res.status, body: await res.text() }
    } catch (err) {
      return { status: 0, body: '', error: (err as Error).message }
    }
  }

  /** Driving API: the payer pays (or the order reaches another state) and WeChat notifies the merchant. */
  const pay: Route['handler'] = async (req) => {
    const b = parseObject(req.body)
    if (!b) return driverError(400, 'PARAM_ERROR', 'body must be a JSON object')
    const prepayId = typeof b.prepayId === 'string' ? b.prepayId.replace(/^prepay_id=/, '') : undefined
    const outTradeNo = typeof b.outTradeNo === 'string' ? b.outTradeNo : undefined
    if ((prepayId === undefined) === (outTradeNo === undefined))
      return driverError(400, 'PARAM_ERROR', 'give exactly one of prepayId and outTradeNo')
    const tradeState = (b.tradeState ?? 'SUCCESS') as TradeState
    if (!TRADE_STATES.includes(tradeState)) return driverError(400, 'PARAM_ERROR', `tradeState must be one of ${TRADE_STATES.join(', ')}`)
    const times = b.times ?? 1
    if (!Number.isInteger(times) || (times as number) < 1 || (times as number) > MAX_NOTIFY_TIMES) {
      return driverError(400, 'PARAM_ERROR', `times must be an integer from 1 to ${MAX_NOTIFY_TIMES}`)
    }
    if (b.amountTotal !== undefined && (!Number.isInteger(b.amountTotal) || (b.amountTotal as number) < 0)) {
      return driverError(400, 'PARAM_ERROR', 'amountTotal must be a non-negative integer')
    }
    const key = outTradeNo ?? byPrepayId.get(prepayId ?? '')
    const order = key === undefined ? undefined : orders.get(key)
    if (!order) return driverError(404, 'ORDER_NOT_EXIST', 'no prepay order with that prepayId / outTradeNo')
    if (b.paySign !== undefined) {
      const ok =
        typeof b.paySign === 'string' &&
        typeof b.timeStamp === 'string' &&
        typeof b.nonceStr === 'string' &&
        verifyJsapiPaySign(
          {
            appId: order.appid,
            timeStamp: b.timeStamp,
            nonceStr: b.nonceStr,
            package: `prepay_id=${prepayId ?? order.prepayId}`,
            paySign: b.paySign,
          },
          keys.merchant.publicKey,
        )
      if (!ok) return driverError(400, 'PAY_SIGN_ERROR', 'paySign does not verify with the merchant certificate')
    }
    if (order.tradeState === 'CLOSED' && tradeState === 'SUCCESS') return driverError(400, 'ORDER_CLOSED', 'the order is closed')

    order.tradeState = tradeState
    if (tradeState !== 'NOTPAY' && tradeState !== 'CLOSED' && order.transactionId === undefined) {
      order.transactionId = `42000${String(randomInt(1e5)).padStart(5, '0')}${chinaStamp(now()).slice(0, 8)}${String(randomInt(1e10)).padStart(10, '0')}`
    }
    if (tradeState === 'SUCCESS' && order.successTime === undefined) order.successTime = toRfc3339China(new Date(now()))

    const transaction = transactionOf(order, typeof b.amountTotal === 'number' ? b.amountTotal : order.total)
    const nonce = nonceStr(12)
    const notification = {
      id: randomUUID(),
      create_time: toRfc3339China(new Date(now())),
      resource_type: 'encrypt-resource',
      // WeChat itself only notifies paid orders; other states are a test aid and carry their own event type.
      event_type: `TRANSACTION.${tradeState}`,
      summary: tradeState === 'SUCCESS' ? '支付成功' : TRADE_STATE_DESC[tradeState],
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: aeadEncrypt(keys.apiV3Key, nonce, 'transaction', JSON.stringify(transaction)),
        associated_data: 'transaction',
        nonce,
      },
    }
    const text = JSON.stringify(notification)
    const signingKey = b.badSignature === true ? forgery() : defaultSigner.key
    const headers = signatureHeaders(text, signingKey, defaultSigner.serial, { timestamp: unixSeconds(now()) })

    const deliveries: Delivery[] = []
    if (b.concurrent === true) {
      deliveries.push(...(await Promise.all(Array.from({ length: times as number }, () => post(order.notifyUrl, text, headers)))))
    } else {
      for (let i = 0; i < (times as number); i++) deliveries.push(await post(order.notifyUrl, text, headers))
    }
    log.info({ outTradeNo: order.outTradeNo, tradeState, statuses: deliveries.map((d) => d.status) }, 'notification delivered')
    return json(200, {
      outTradeNo: order.outTradeNo,
      prepayId: order.prepayId,
      transactionId: order.transactionId ?? null,
      tradeState,
      notifyUrl: order.notifyUrl,
      notificationId: notification.id,
      deliveries,
    })
  }

  const routes: Route[] = [
    { method: 'POST', path: '/v3/pay/transactions/jsapi', handler: jsapi },
    { method: 'GET', path: /^\/v3\/pay\/transactions\/out-trade-no\/[^/]+$/, handler: queryOrder },
    { method: 'POST', path: /^\/v3\/pay\/transactions\/out-trade-no\/[^/]+\/close$/, handler: closeOrder },
    { method: 'GET', path: '/v3/certificates', handler: certificates },
    { method: 'POST', path: '/sandbox/pay', handler: pay },
  ]
  return { routes }
}
