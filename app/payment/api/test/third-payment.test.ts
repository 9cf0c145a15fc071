/**
 * payment-api through `app.inject`, with in-memory stand-ins for order-rpc, usercenter-rpc and
 * payment-rpc, and WeChat keys made for the test: the decisions of both routes, including the ones
 * the sandbox cannot produce (a notification for a failed payment, payment-rpc failing mid-callback).
 */
import assert from 'node:assert/strict'
import { createCipheriv, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto'
import { Writable } from 'node:stream'
import { beforeEach, describe, test } from 'node:test'
import { createLogger } from '@looklook/logx'
import type { OrderClient } from '@looklook/order-rpc/client'
import type { HomestayOrder } from '@looklook/order-rpc/gen'
import type { PaymentClient } from '@looklook/payment-rpc/client'
import type { CreatePaymentReq, PaymentDetail, UpdateTradeStateReq } from '@looklook/payment-rpc/gen'
import type { UsercenterClient } from '@looklook/usercenter-rpc/client'
import type { UserAuth } from '@looklook/usercenter-rpc/gen'
import { WechatPayClient } from '@looklook/wechat'
import { CodeError } from '@looklook/xerr'
import type { PaymentApiConf } from '../src/config.ts'
import { createServer } from '../src/server.ts'
import type { ServiceContext } from '../src/svc-context.ts'

const APP_ID = 'wx0000000000test01'
const MCH_ID = '1900000001'
const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345'
const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000000000000TEST'
const wechatKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const merchantKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })

const conf: PaymentApiConf = {
  Name: 'payment-api-test',
  Host: '127.0.0.1',
  Port: 0,
  Timeout: 3000,
  MaxBytes: 1048576,
  MaxConns: 100,
  CpuThreshold: 0,
  PaymentRpc: { Endpoints: ['127.0.0.1:1'], Timeout: 100, NonBlock: true },
  OrderRpc: { Endpoints: ['127.0.0.1:1'], Timeout: 100, NonBlock: true },
  UsercenterRpc: { Endpoints: ['127.0.0.1:1'], Timeout: 100, NonBlock: true },
  OrderPayTimeoutSeconds: 1200,
  WxPayConf: {
    AppId: APP_ID,
    MchId: MCH_ID,
    BaseUrl: 'http://127.0.0.1:1',
    NotifyUrl: 'http://127.0.0.1:8888/payment/v1/thirdPayment/thirdPaymentWxPayCallback',
    PrivateKeyPath: 'unused',
    SerialNoPath: 'unused',
    ApiV3KeyPath: 'unused',
    PlatformCertificatePaths: [],
    TimeoutMs: 100,
  },
}

const notUsed = (what: string) => () => Promise.reject(new Error(`${what} is not used here`))

/** What the stand-ins hold and what they were asked. */
class World {
  orders = new Map<string, HomestayOrder>()
  auths = new Map<number, UserAuth>()
  payment: PaymentDetail | null = null
  updates: UpdateTradeStateReq[] = []
  creates: CreatePaymentReq[] = []
  paymentRpcDown = false
  updateFails: CodeError | undefined

  orderRpc: OrderClient = {
    createHomestayOrder: notUsed('createHomestayOrder'),
    sagaCreateHomestayOrder: notUsed('sagaCreateHomestayOrder'),
    sagaCancelHomestayOrder: notUsed('sagaCancelHomestayOrder'),
    homestayOrderDetail: async (req) => ({ homestayOrder: this.orders.get(req.sn) ?? null }),
    updateHomestayOrderTradeState: notUsed('updateHomestayOrderTradeState'),
    userHomestayOrderList: notUsed('userHomestayOrderList'),
    close: () => {},
  }

  usercenterRpc: UsercenterClient = {
    login: notUsed('login'),
    register: notUsed('register'),
    getUserInfo: notUsed('getUserInfo'),
    getUserAuthByAuthKey: notUsed('getUserAuthByAuthKey'),
    getUserAuthByUserId: async (req) => ({ userAuth: this.auths.get(req.userId) ?? null }),
    logout: notUsed('logout'),
    removeUser: notUsed('removeUser'),
    close: () => {},
  }

  paymentRpc: PaymentClient = {
    CreatePayment: async (req) => {
      this.creates.push(req)
      return { sn: 'PMT2024050112000000000001' }
    },
    GetPaymentBySn: async (req) => {
      if (this.paymentRpcDown) throw CodeError.common(undefined, new Error('14 UNAVAILABLE'))
      return { paymentDetail: this.payment?.sn === req.sn ? this.payment : null }
    },
    UpdateTradeState: async (req) => {
      if (this.updateFails) throw this.updateFails
      this.updates.push(req)
      return {}
    },
    GetPaymentSuccessRefundByOrderSn: notUsed('GetPaymentSuccessRefundByOrderSn'),
    close: () => {},
  }
}

let world: World
let svc: ServiceContext

beforeEach(() => {
  world = new World()
  svc = {
    config: conf,
    paymentRpc: world.paymentRpc,
    orderRpc: world.orderRpc,
    usercenterRpc: world.usercenterRpc,
    wxPay: new WechatPayClient({
      baseUrl: conf.WxPayConf.BaseUrl,
      mchId: MCH_ID,
      appId: APP_ID,
      serialNo: 'ABCDEF0123456789',
      privateKeyPem: merchantKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiV3Key: API_V3_KEY,
      platform: { publicKey: { id: PUB_KEY_ID, pem: wechatKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() } },
    }),
    close: async () => {},
  }
})

function app() {
  const sink = new Writable({ write: (_c, _e, cb) => cb() })
  return createServer(svc, createLogger({ service: 'payment-api-test', destination: sink }))
}

function payment(over: Partial<PaymentDetail> = {}): PaymentDetail {
  return {
    id: 1,
    sn: 'PMT2024050112000000000001',
    userId: 7,
    payMode: 'WECHAT_PAY',
    tradeType: '',
    tradeState: '',
    payTotal: 51_200,
    transactionId: '',
    tradeStateDesc: '',
    orderSn: 'HSO2024050112000000000001',
    serviceType: 'homestayOrder',
    payStatus: 0,
    payTime: 0,
    createTime: 1_714_536_000,
    updateTime: 1_714_536_000,
    ...over,
  }
}

/** A signed, encrypted notification as WeChat posts it. */
function notify(transaction: Record<string, unknown>) {
  const nonce = randomBytes(6).toString('hex')
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(nonce))
  cipher.setAAD(Buffer.from('transaction'))
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction)), cipher.final(), cipher.getAuthTag()]).toString('base64')
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: '2024-05-01T12:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce },
  })
  const timestamp = String(Math.floor(Date.now() / 1000))
  const n = randomBytes(8).toString('hex')
  const headers = {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': n,
    'wechatpay-serial': PUB_KEY_ID,
    'wechatpay-signature': sign('sha256', Buffer.from(`${timestamp}\n${n}\n${body}\n`), wechatKeys.privateKey).toString('base64'),
  }
  return app().inject({ method: 'POST', url: '/payment/v1/thirdPayment/thirdPaymentWxPayCallback', headers, payload: body })
}

function transaction(over: Record<string, unknown> = {}) {
  return {
    appid: APP_ID,
    mchid: MCH_ID,
    out_trade_no: 'PMT2024050112000000000001',
    transaction_id: '4200000001202405011234567890',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    success_time: '2024-05-01T12:30:00+08:00',
    amount: { total: 51_200, payer_total: 51_200, currency: 'CNY', payer_currency: 'CNY' },
    ...over,
  }
}

describe('thirdPaymentWxPayCallback', () => {
  test('SUCCESS on a wait payment: paid at the success time, 204', async () => {
    world.payment = payment()
    const res = await notify(transaction())
    assert.equal(res.statusCode, 204, res.body)
    assert.equal(res.body, '')
    assert.deepEqual(world.updates, [
      {
        sn: 'PMT2024050112000000000001',
        tradeState: 'SUCCESS',
        transactionId: '4200000001202405011234567890',
        tradeType: 'JSAPI',
        tradeStateDesc: '支付成功',
        payStatus: 1,
        payTime: Date.parse('2024-05-01T12:30:00+08:00') / 1000,
      },
    ])
  })

  test('a repeat for a paid payment, or a late SUCCESS for a failed one: 204, nothing changes', async () => {
    for (const payStatus of [1, 2, -1]) {
      world.payment = payment({ payStatus })
      const res = await notify(transaction())
      assert.equal(res.statusCode, 204, `payStatus ${payStatus}: ${res.body}`)
    }
    assert.deepEqual(world.updates, [])
  })

  test('REFUND on a paid payment → refunded; CLOSED on a wait payment → failed; NOTPAY → nothing', async () => {
    world.payment = payment({ payStatus: 1 })
    assert.equal((await notify(transaction({ trade_state: 'REFUND', trade_state_desc: '转入退款' }))).statusCode, 204)
    world.payment = payment({ payStatus: 0 })
    assert.equal((await notify(transaction({ trade_state: 'CLOSED', trade_state_desc: '已关闭' }))).statusCode, 204)
    assert.equal((await notify(transaction({ trade_state: 'NOTPAY', trade_state_desc: '未支付' }))).statusCode, 204)
    assert.deepEqual(
      world.updates.map((u) => [u.tradeState, u.payStatus]),
      [
        ['REFUND', 2],
        ['CLOSED', -1],
      ],
    )
  })

  test('amount, merchant and unknown payment are checked before anything changes', async () => {
    world.payment = payment()
    const wrongAmount = await notify(transaction({ amount: { total: 1, payer_total: 1, currency: 'CNY' } }))
    assert.equal(wrongAmount.statusCode, 400)
    assert.deepEqual(wrongAmount.json(), { code: 'FAIL', message: 'amount does not match the payment' })
    const otherApp = await notify(transaction({ appid: 'wx0000000000other1' }))
    assert.equal(otherApp.statusCode, 400)
    const unknown = await notify(transaction({ out_trade_no: 'PMT2024050112000000000999' }))
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().code, 'FAIL')
    assert.deepEqual(world.updates, [])
  })

  test('payment-rpc failing → 5xx FAIL, so WeChat retries; details stay in the log', async () => {
    world.payment = payment()
    world.updateFails = CodeError.common('the record changed meanwhile, please retry', new Error('version mismatch'))
    const res = await notify(transaction())
    assert.equal(res.statusCode, 500)
    assert.deepEqual(res.json(), { code: 'FAIL', message: 'the payment could not be updated, retry later' })
    world.paymentRpcDown = true
    const down = await notify(transaction())
    assert.equal(down.statusCode, 500)
    assert.deepEqual(down.json(), { code: 'FAIL', message: 'internal error' })
  })
})

describe('thirdPaymentWxPay', () => {
  const sn = 'HSO2024050112000000000001'

  function order(over: Partial<HomestayOrder> = {}): HomestayOrder {
    return {
      id: 1,
      sn,
      userId: 7,
      homestayId: 3,
      title: 'Sea view',
      subTitle: '',
      cover: '',
      info: '',
      peopleNum: 2,
      rowType: 0,
      foodInfo: '',
      foodPrice: 0,
      homestayPrice: 25_600,
      marketHomestayPrice: 30_000,
      homestayBusinessId: 1,
      homestayUserId: 1,
      liveStartDate: 0,
      liveEndDate: 0,
      livePeopleNum: 2,
      tradeState: 0,
      tradeCode: '',
      remark: '',
      orderTotalPrice: 51_200,
      foodTotalPrice: 0,
      homestayTotalPrice: 51_200,
      createTime: Math.floor(Date.now() / 1000),
      needFood: 0,
      ...over,
    }
  }

  function pay(userId: number) {
    return app().inject({
      method: 'POST',
      url: '/payment/v1/thirdPayment/thirdPaymentWxPay',
      headers: { 'x-user': String(userId) },
      payload: { orderSn: sn, serviceType: 'homestayOrder' },
    })
  }

  test("another user's order reads as a missing one, and no payment is created", async () => {
    world.orders.set(sn, order({ userId: 8 }))
    world.auths.set(7, { id: 1, userId: 7, authType: 'wxMini', authKey: 'o-test-openid' })
    const theirs = await pay(7)
    world.orders.clear()
    const missing = await pay(7)
    assert.equal(theirs.statusCode, 400)
    assert.deepEqual(theirs.json(), missing.json())
    assert.deepEqual(world.creates, [])
  })

  test('an order past its pay time, one not waiting for payment, and a user without openid are refused', async () => {
    world.auths.set(7, { id: 1, userId: 7, authType: 'wxMini', authKey: 'o-test-openid' })
    world.orders.set(sn, order({ createTime: Math.floor(Date.now() / 1000) - 1300 }))
    assert.match((await pay(7)).json().msg, /not paid in time/)
    world.orders.set(sn, order({ tradeState: -1 }))
    assert.match((await pay(7)).json().msg, /not waiting for payment/)
    world.orders.set(sn, order())
    world.auths.clear()
    assert.match((await pay(7)).json().msg, /WeChat login/)
    assert.deepEqual(world.creates, [])
  })

  test('WeChat unreachable → a friendly business error after the payment was created', async () => {
    world.orders.set(sn, order())
    world.auths.set(7, { id: 1, userId: 7, authType: 'wxMini', authKey: 'o-test-openid' })
    const res = await pay(7)
    assert.equal(res.statusCode, 400)
    assert.deepEqual(res.json(), { code: 100001, msg: 'WeChat Pay is unavailable, please try again later' })
    assert.deepEqual(world.creates, [{ userId: 7, payModel: 'WECHAT_PAY', payTotal: 51_200, orderSn: sn, serviceType: 'homestayOrder' }])
  })
})

test('the OpenAPI document lists the answers the callback really gives', async () => {
  const res = await app().inject({ method: 'GET', url: '/openapi.json' })
  assert.equal(res.statusCode, 200)
  const doc = res.json() as {
    paths: Record<string, { post: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }>
  }
  const responses = doc.paths['/payment/v1/thirdPayment/thirdPaymentWxPayCallback']?.post.responses ?? {}
  assert.deepEqual(Object.keys(responses).sort(), ['204', '400', '401', '404', '413', '415', '500'])
  const fail = JSON.stringify(responses['400']?.content?.['application/json']?.schema)
  assert.match(fail, /"FAIL"/, 'failures in WeChat form')
})
