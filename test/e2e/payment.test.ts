/**
 * WeChat Pay through the gateway (issue 3): the pay route's checks, and the callback against
 * repeated, concurrent, wrong-amount, forged, stale and malformed notifications. Notifications come
 * from the WeChat sandbox's driving API, or are built here with node:crypto from the key files the
 * sandbox generated — independently of @looklook/wechat, which the services use.
 */
import assert from 'node:assert/strict'
import { createCipheriv, createPrivateKey, randomBytes, randomUUID, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { post, request, waitFor } from '@looklook/testkit'
import {
  bookableHomestay,
  createOrder,
  messagesFor,
  orderDetail,
  outboxOf,
  paymentsOf,
  sandboxPay,
  WECHAT_DIR,
  WX_PAY,
  WX_PAY_CALLBACK,
  type WxGuest,
  waitForOrderState,
  wxGuest,
  wxPay,
} from './booking-kit.ts'

/** A guest with a wait-pay order and its prepay. */
async function pendingPayment(): Promise<{ guest: WxGuest; sn: string; prepayId: string; paymentSn: string }> {
  const guest = await wxGuest('notify')
  const sn = await createOrder(guest.token, (await bookableHomestay()).id, 1, 1)
  const params = await wxPay(guest.token, sn)
  const [payment] = await paymentsOf(sn)
  assert.ok(payment)
  return { guest, sn, prepayId: params.package, paymentSn: payment.sn }
}

/** WeChat's failure answer (doc/wechat.md, Payment notifications), never the api envelope. */
function assertFail(d: { status: number; body: string }, status: number | RegExp, what: string): void {
  if (typeof status === 'number') assert.equal(d.status, status, `${what}: ${d.status} ${d.body}`)
  else assert.match(String(d.status), status, `${what}: ${d.status} ${d.body}`)
  const body = JSON.parse(d.body) as Record<string, unknown>
  assert.equal(body.code, 'FAIL', `${what}: ${d.body}`)
  assert.equal(typeof body.message, 'string', what)
  assert.equal('msg' in body, false, `${what}: not the api envelope`)
}

describe('thirdPaymentWxPay', () => {
  test('paying twice before paying reuses one payment and one prepay', async () => {
    const guest = await wxGuest('twice')
    const sn = await createOrder(guest.token, (await bookableHomestay()).id, 1, 1)
    const first = await wxPay(guest.token, sn)
    const second = await wxPay(guest.token, sn)
    assert.equal(second.package, first.package, 'WeChat sees the same out_trade_no and answers the same prepay_id')
    assert.notEqual(second.nonceStr, first.nonceStr, 'each answer is freshly signed')
    const payments = await paymentsOf(sn)
    assert.equal(payments.length, 1)
    assert.match(payments[0]?.sn ?? '', /^PMT\d{22}$/)
  })

  test('malformed or out-of-range input → 400/100002, never a 5xx', async () => {
    const guest = await wxGuest('badpay')
    const sn = `HSO${'1'.repeat(22)}`
    const cases: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }][] = [
      ['missing orderSn', { body: { serviceType: 'homestayOrder' } }],
      ['orderSn as a number', { body: { orderSn: 12345, serviceType: 'homestayOrder' } }],
      ['empty orderSn', { body: { orderSn: '', serviceType: 'homestayOrder' } }],
      ['orderSn too long', { body: { orderSn: `${sn}0`, serviceType: 'homestayOrder' } }],
      ['orderSn not an order number', { body: { orderSn: 'PMT2024050112000012345678', serviceType: 'homestayOrder' } }],
      ['unknown serviceType', { body: { orderSn: sn, serviceType: 'flight' } }],
      ['missing serviceType', { body: { orderSn: sn } }],
      ['malformed JSON', { rawBody: '{"orderSn": "HSO' }],
      ['array body', { rawBody: '[]' }],
      ['empty body', { rawBody: '' }],
      ['not JSON content type', { rawBody: 'orderSn=1', headers: { 'content-type': 'text/plain' } }],
    ]
    for (const [what, c] of cases) {
      const res = await post(WX_PAY, c.body, { token: guest.token, rawBody: c.rawBody, headers: c.headers })
      assert.equal(res.status, 400, `${what}: ${res.status} ${res.text}`)
      assert.equal(res.body.code, 100002, `${what}: ${res.text}`)
    }
  })

  test('no token → 401/100003', async () => {
    const res = await post(WX_PAY, { orderSn: `HSO${'1'.repeat(22)}`, serviceType: 'homestayOrder' })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 100003)
  })
})

describe('thirdPaymentWxPayCallback with notifications from the sandbox', () => {
  test('the same notification 5 times → 204 each, one state change, one event, two messages', async () => {
    const { guest, sn, prepayId, paymentSn } = await pendingPayment()
    const paid = await sandboxPay({ prepayId, times: 5 })
    assert.deepEqual(
      paid.deliveries.map((d) => d.status),
      [204, 204, 204, 204, 204],
    )
    await waitForOrderState(guest.token, sn, 1)
    const [payment] = await paymentsOf(sn)
    assert.equal(payment?.pay_status, 1)
    assert.equal(payment?.version, 1, 'changed exactly once')
    const events = await outboxOf(paymentSn)
    assert.equal(events.length, 1, 'one event for Kafka')
    assert.equal(events[0]?.pay_status, 1)
    const messages = await waitFor(async () => ((await messagesFor(guest.openid)).length >= 2 ? true : undefined))
    assert.ok(messages)
    // Anything a duplicate event would have caused has had time to arrive.
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal((await messagesFor(guest.openid)).length, 2)
    assert.equal((await outboxOf(paymentSn))[0]?.state, 1, 'the event was delivered')
  })

  test('the same notification 5 times at once → one state change, one event', async () => {
    const { guest, sn, prepayId, paymentSn } = await pendingPayment()
    const paid = await sandboxPay({ prepayId, times: 5, concurrent: true })
    assert.deepEqual(
      paid.deliveries.map((d) => d.status),
      [204, 204, 204, 204, 204],
    )
    await waitForOrderState(guest.token, sn, 1)
    assert.equal((await paymentsOf(sn))[0]?.version, 1)
    assert.equal((await outboxOf(paymentSn)).length, 1)
  })

  test('a wrong amount is rejected and changes nothing; the right one is accepted afterwards', async () => {
    const { guest, sn, prepayId, paymentSn } = await pendingPayment()
    const wrong = await sandboxPay({ prepayId, amountTotal: 1 })
    assert.equal(wrong.deliveries.length, 1)
    assertFail(wrong.deliveries[0] ?? { status: 0, body: '' }, 400, 'wrong amount')
    await new Promise((r) => setTimeout(r, 1000))
    const [payment] = await paymentsOf(sn)
    assert.equal(payment?.pay_status, 0)
    assert.equal(payment?.version, 0)
    assert.equal((await outboxOf(paymentSn)).length, 0)
    assert.equal((await orderDetail(guest.token, sn)).tradeState, 0)

    const right = await sandboxPay({ prepayId })
    assert.equal(right.deliveries[0]?.status, 204)
    await waitForOrderState(guest.token, sn, 1)
  })

  test('a forged signature is rejected and changes nothing', async () => {
    const { guest, sn, prepayId, paymentSn } = await pendingPayment()
    const forged = await sandboxPay({ prepayId, badSignature: true, times: 2 })
    for (const d of forged.deliveries) assertFail(d, 401, 'forged signature')
    await new Promise((r) => setTimeout(r, 1000))
    assert.equal((await paymentsOf(sn))[0]?.pay_status, 0)
    assert.equal((await outboxOf(paymentSn)).length, 0)
    assert.equal((await orderDetail(guest.token, sn)).tradeState, 0)
  })
})

/** The WeChat Pay key that signs notifications in the sandbox's public-key mode, and its id. */
const signer = {
  key: createPrivateKey(readFileSync(`${WECHAT_DIR}/sandbox/pub_key_private.pem`)),
  serial: readFileSync(`${WECHAT_DIR}/platform/pub_key_id`, 'utf8').trim(),
}
const apiV3Key = readFileSync(`${WECHAT_DIR}/apiv3.key`, 'utf8').trim()

/** A notification as WeChat builds it: the transaction AEAD_AES_256_GCM-encrypted with the APIv3 key. */
function notification(transaction: Record<string, unknown>, key = apiV3Key): string {
  const nonce = randomBytes(6).toString('hex')
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce))
  cipher.setAAD(Buffer.from('transaction'))
  const ct = Buffer.concat([cipher.update(JSON.stringify(transaction)), cipher.final(), cipher.getAuthTag()])
  return JSON.stringify({
    id: randomUUID(),
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: ct.toString('base64'),
      associated_data: 'transaction',
      nonce,
    },
  })
}

function signed(body: string, opts: { timestamp?: number; serial?: string } = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  return {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': opts.serial ?? signer.serial,
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    'wechatpay-signature': sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), signer.key).toString('base64'),
  }
}

/** payment-api itself, behind the gateway. */
const PAYMENT_API = process.env.PAYMENT_API_URL ?? 'http://127.0.0.1:8005'

async function callback(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await request(WX_PAY_CALLBACK, undefined, { rawBody: body, headers })
  return { status: res.status, body: res.text }
}

describe('thirdPaymentWxPayCallback with hand-made notifications', () => {
  const transaction = (outTradeNo: string, total: number) => ({
    appid: 'wx6c4a7e2b1f9d3e58',
    mchid: '1900000109',
    out_trade_no: outTradeNo,
    transaction_id: `4200${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    success_time: new Date().toISOString(),
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
  })

  test('a correctly signed notification built here is accepted (the checks below fail for their own reason)', async () => {
    const { guest, sn, paymentSn } = await pendingPayment()
    const [payment] = await paymentsOf(sn)
    const body = notification(transaction(paymentSn, payment?.pay_total ?? 0))
    const res = await callback(body, signed(body))
    assert.equal(res.status, 204, res.body)
    await waitForOrderState(guest.token, sn, 1)
  })

  test('stale, unknown-key, tampered, undecryptable and unknown-payment notifications → 4xx FAIL, nothing changes', async () => {
    const { sn, paymentSn } = await pendingPayment()
    const total = (await paymentsOf(sn))[0]?.pay_total ?? 0
    const body = notification(transaction(paymentSn, total))

    assertFail(await callback(body, signed(body, { timestamp: Math.floor(Date.now() / 1000) - 600 })), 401, 'timestamp 10 minutes old')
    assertFail(await callback(body, signed(body, { serial: 'PUB_KEY_ID_0000000000000000000000000' })), 401, 'unknown serial')
    const headers = signed(body)
    const tampered = body.replace('"resource_type":"encrypt-resource"', '"resource_type":"encrypt-resource2"')
    assert.notEqual(tampered, body)
    assertFail(await callback(tampered, headers), 401, 'body changed after signing')
    const { 'wechatpay-signature': _dropped, ...unsigned } = headers
    assertFail(await callback(body, unsigned), 401, 'no signature header')
    const wrongKey = notification(transaction(paymentSn, total), 'k'.repeat(32))
    assertFail(await callback(wrongKey, signed(wrongKey)), 400, 'encrypted with another APIv3 key')
    const otherMerchant = notification({ ...transaction(paymentSn, total), mchid: '1900000999' })
    assertFail(await callback(otherMerchant, signed(otherMerchant)), 400, 'another merchant')
    const unknown = notification(transaction('PMT2000010100000000000000', total))
    assertFail(await callback(unknown, signed(unknown)), 404, 'unknown payment')

    assert.equal((await paymentsOf(sn))[0]?.pay_status, 0)
    assert.equal((await outboxOf(paymentSn)).length, 0)
  })

  test('malformed requests → 4xx {code:"FAIL"}, never a 5xx or the api envelope', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['malformed JSON', '{"id": "EV-', { 'content-type': 'application/json' }],
      ['empty body', '', { 'content-type': 'application/json' }],
      ['not JSON content type', 'id=1', { 'content-type': 'text/plain' }],
      ['JSON array, signed', '[]', signed('[]')],
      ['JSON object that is no notification, signed', '{"id":"x"}', signed('{"id":"x"}')],
    ]
    for (const [what, body, headers] of cases) assertFail(await callback(body, headers), /^4\d\d$/, what)
    // The gateway refuses bodies over its own limit first (with its envelope); payment-api itself answers in WeChat's form.
    const huge = await request(WX_PAY_CALLBACK, undefined, {
      rawBody: `{"id":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      baseUrl: PAYMENT_API,
    })
    assertFail({ status: huge.status, body: huge.text }, 413, 'oversized body')
  })
})
