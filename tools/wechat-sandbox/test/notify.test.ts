import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { type PayNotification, WechatDecryptError, WechatSignatureError } from '@looklook/wechat'
import { outTradeNo, payClient, postJson, sandboxLogin, startNotifyServer, startTestSandbox, type TestSandbox } from './support.ts'

let sb: TestSandbox
let openid = ''

before(async () => {
  sb = await startTestSandbox()
  openid = (await sandboxLogin(sb, `payer-${randomUUID()}`)).openid
})

after(async () => {
  await sb.close()
})

interface PayAnswer {
  outTradeNo: string
  prepayId: string
  transactionId: string | null
  tradeState: string
  deliveries: { status: number; body: string }[]
}

async function prepaid(notifyUrl: string, amountTotal = 12345) {
  const no = outTradeNo()
  const prepayId = await payClient(sb).jsapiPrepay({ description: '民宿订单', outTradeNo: no, notifyUrl, amountTotal, openid })
  return { no, prepayId, amountTotal }
}

const pay = (body: Record<string, unknown>) => postJson<PayAnswer>(`${sb.baseUrl}/sandbox/pay`, body)

test('sandbox pay posts a signed, encrypted TRANSACTION.SUCCESS that verifies and decrypts to the real transaction', async () => {
  const notify = await startNotifyServer()
  try {
    const order = await prepaid(notify.url)
    const res = await pay({ prepayId: order.prepayId })
    assert.equal(res.status, 200)
    assert.deepEqual(
      res.body.deliveries.map((d) => d.status),
      [204],
    )
    assert.equal(notify.received.length, 1)
    const got = notify.received[0]!
    assert.equal(got.headers['wechatpay-serial'], sb.keys.publicKey.id)
    assert.equal(got.headers['wechatpay-signature-type'], 'WECHATPAY2-SHA256-RSA2048')

    const client = payClient(sb)
    const { notification, transaction } = client.parseTransactionNotification(got.headers, got.body)
    assert.equal(notification.event_type, 'TRANSACTION.SUCCESS')
    assert.equal(notification.resource_type, 'encrypt-resource')
    assert.equal(notification.resource.original_type, 'transaction')
    assert.equal(notification.resource.algorithm, 'AEAD_AES_256_GCM')
    assert.equal(transaction.out_trade_no, order.no)
    assert.equal(transaction.trade_state, 'SUCCESS')
    assert.equal(transaction.trade_state_desc, '支付成功')
    assert.equal(transaction.trade_type, 'JSAPI')
    assert.equal(transaction.amount?.total, order.amountTotal)
    assert.equal(transaction.amount?.payer_total, order.amountTotal)
    assert.equal(transaction.payer?.openid, openid)
    assert.equal(transaction.appid, sb.conf.AppId)
    assert.equal(transaction.mchid, sb.conf.MchId)
    assert.match(transaction.transaction_id ?? '', /^\d{28}$/)
    assert.equal(transaction.transaction_id, res.body.transactionId)
    assert.match(transaction.success_time ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)

    // The order query agrees with the notification.
    const queried = await client.queryOrderByOutTradeNo(order.no)
    assert.equal(queried.trade_state, 'SUCCESS')
    assert.equal(queried.transaction_id, transaction.transaction_id)

    // A flipped ciphertext byte fails the GCM tag.
    const tampered = JSON.parse(got.body) as PayNotification
    const raw = Buffer.from(tampered.resource.ciphertext, 'base64')
    raw[3] = (raw[3] ?? 0) ^ 0x80
    tampered.resource.ciphertext = raw.toString('base64')
    assert.throws(() => client.decryptResource(tampered.resource), WechatDecryptError)
    // …and any change to the body breaks the signature.
    assert.throws(() => client.verifyNotification(got.headers, JSON.stringify(tampered)), WechatSignatureError)
  } finally {
    await notify.close()
  }
})

test('badSignature notifications fail verification; amountTotal and tradeState reach the decrypted transaction', async () => {
  const notify = await startNotifyServer()
  try {
    const client = payClient(sb)
    const forged = await prepaid(notify.url)
    await pay({ outTradeNo: forged.no, badSignature: true })
    const bad = notify.received.at(-1)!
    assert.throws(() => client.verifyNotification(bad.headers, bad.body), /does not verify/)

    const wrongAmount = await prepaid(notify.url, 5000)
    await pay({ prepayId: `prepay_id=${wrongAmount.prepayId}`, amountTotal: 1 })
    const w = notify.received.at(-1)!
    assert.equal(client.parseTransactionNotification(w.headers, w.body).transaction.amount?.total, 1)

    const refunded = await prepaid(notify.url)
    await pay({ outTradeNo: refunded.no })
    await pay({ outTradeNo: refunded.no, tradeState: 'REFUND' })
    const r = client.parseTransactionNotification(notify.received.at(-1)!.headers, notify.received.at(-1)!.body)
    assert.equal(r.transaction.trade_state, 'REFUND')
    assert.equal(r.notification.event_type, 'TRANSACTION.REFUND')
  } finally {
    await notify.close()
  }
})

test('times: 3 posts the same notification three times and reports each reply', async () => {
  let n = 0
  const notify = await startNotifyServer(() => {
    n += 1
    return n === 2 ? { status: 500, body: '{"code":"FAIL","message":"失败"}' } : { status: 204 }
  })
  try {
    const order = await prepaid(notify.url)
    const res = await pay({ prepayId: order.prepayId, times: 3 })
    assert.deepEqual(
      res.body.deliveries.map((d) => d.status),
      [204, 500, 204],
    )
    assert.equal(res.body.deliveries[1]?.body, '{"code":"FAIL","message":"失败"}')
    assert.equal(notify.received.length, 3)
    assert.equal(new Set(notify.received.map((r) => r.body)).size, 1, 'identical bodies')
    assert.equal((JSON.parse(notify.received[0]!.body) as PayNotification).id, (JSON.parse(notify.received[2]!.body) as PayNotification).id)
    const concurrent = await pay({ prepayId: order.prepayId, times: 2, concurrent: true })
    assert.equal(concurrent.body.deliveries.length, 2)
    assert.equal(notify.received.length, 5)
  } finally {
    await notify.close()
  }
})

test('driving API errors: unknown order 404, bad input 400, closed orders cannot be paid, paySign is checked when given', async () => {
  assert.equal((await pay({ outTradeNo: 'PMTUNKNOWN000' })).status, 404)
  assert.equal((await pay({})).status, 400)
  assert.equal((await pay({ outTradeNo: 'x', prepayId: 'y' })).status, 400)
  assert.equal((await pay({ outTradeNo: 'x', tradeState: 'PAID' })).status, 400)
  assert.equal((await pay({ outTradeNo: 'x', times: 0 })).status, 400)

  const notify = await startNotifyServer()
  try {
    const client = payClient(sb)
    const order = await prepaid(notify.url)
    const params = client.buildJsapiPayParams(order.prepayId)
    const badSign = await pay({
      prepayId: order.prepayId,
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      paySign: `${params.paySign.slice(0, -4)}AAA=`,
    })
    assert.equal(badSign.status, 400)
    assert.equal(notify.received.length, 0, 'nothing is posted for a bad paySign')
    const goodSign = await pay({
      prepayId: order.prepayId,
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      paySign: params.paySign,
    })
    assert.equal(goodSign.status, 200)
    assert.equal(notify.received.length, 1)

    const closed = await prepaid(notify.url)
    await client.request('POST', `/v3/pay/transactions/out-trade-no/${closed.no}/close`, { mchid: sb.conf.MchId })
    assert.equal((await pay({ outTradeNo: closed.no })).status, 400)
  } finally {
    await notify.close()
  }
})

test('an unreachable notify_url is reported as status 0, not a sandbox failure', async () => {
  const notify = await startNotifyServer()
  const url = notify.url
  await notify.close()
  const order = await prepaid(url)
  const res = await pay({ prepayId: order.prepayId })
  assert.equal(res.status, 200)
  assert.equal(res.body.deliveries[0]?.status, 0)
})
