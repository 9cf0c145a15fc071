/**
 * order-api in process (`app.inject`) against stand-in order-rpc and payment-rpc servers on port
 * 0: validation, caller identity, ownership, money in yuan, the trade-code rule and payment-rpc
 * degradation. The real chain through the gateway is covered by test/e2e/order.test.ts.
 */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, beforeEach, describe, test } from 'node:test'
import { createLogger } from '@looklook/logx'
import {
  type CreateHomestayOrderReq,
  type HomestayOrder,
  type OrderService,
  orderProto,
  orderServiceName,
  type UserHomestayOrderListReq,
} from '@looklook/order-rpc/gen'
import { type PaymentDetail, type PaymentService, paymentProto, paymentServiceName } from '@looklook/payment-rpc/gen'
import type { RestApp } from '@looklook/rest'
import { CodeError } from '@looklook/xerr'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { loadOrderApiConf } from '../src/config.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

const OWNER = 1001
const STRANGER = 2002

const chunks: string[] = []
const logger = createLogger({
  service: 'order-api-test',
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString())
      cb()
    },
  }),
})
const logLines = () =>
  chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

/** What the stand-ins hold and saw. */
const orders = new Map<string, HomestayOrder>()
const payments = new Map<string, PaymentDetail>()
const seen = { create: [] as CreateHomestayOrderReq[], list: [] as UserHomestayOrderListReq[], paymentCalls: 0 }
const paymentState = { failing: false }

let orderRpc: RpcServer
let paymentRpc: RpcServer
let svc: ServiceContext
let app: RestApp

function order(sn: string, over: Partial<HomestayOrder> = {}): HomestayOrder {
  const o: HomestayOrder = {
    id: orders.size + 1,
    sn,
    userId: OWNER,
    homestayId: 3,
    title: 'Lakeside loft',
    subTitle: 'two rooms',
    cover: 'https://img.example/c.jpg',
    info: 'quiet',
    peopleNum: 4,
    rowType: 0,
    foodInfo: 'breakfast',
    foodPrice: 2_999,
    homestayPrice: 29_900,
    marketHomestayPrice: 39_901,
    homestayBusinessId: 5,
    homestayUserId: 6,
    liveStartDate: 1_717_171_200,
    liveEndDate: 1_717_344_000,
    livePeopleNum: 2,
    tradeState: 0,
    tradeCode: 'Zx81Qa0p',
    remark: 'hi',
    orderTotalPrice: 71_796,
    foodTotalPrice: 11_996,
    homestayTotalPrice: 59_800,
    createTime: 1_717_000_000,
    needFood: 1,
    ...over,
  }
  orders.set(sn, o)
  return o
}

function payment(orderSn: string, payTime: number): PaymentDetail {
  const p: PaymentDetail = {
    id: 1,
    sn: 'PMT1',
    userId: OWNER,
    payMode: 'WECHAT_PAY',
    tradeType: 'JSAPI',
    tradeState: 'SUCCESS',
    payTotal: 71_796,
    transactionId: 'tx',
    tradeStateDesc: '',
    orderSn,
    serviceType: 'homestayOrder',
    payStatus: 1,
    payTime,
    createTime: 0,
    updateTime: 0,
  }
  payments.set(orderSn, p)
  return p
}

function sn(n: number): string {
  return `HSO2024060112000000${String(n).padStart(6, '0')}`
}

before(async () => {
  const serverConf = (name: string) => ({ Name: name, ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 0 })
  orderRpc = createRpcServer({ conf: serverConf('fake-order-rpc'), logger })
  orderRpc.addService<OrderService>(orderProto, orderServiceName, {
    // The booking saga's branches: dtm calls them, order-api never does.
    sagaCreateHomestayOrder: () => Promise.reject(new Error('not used here')),
    sagaCancelHomestayOrder: () => Promise.reject(new Error('not used here')),
    async createHomestayOrder(req) {
      seen.create.push(req)
      return { sn: sn(999_999) }
    },
    async homestayOrderDetail(req) {
      return { homestayOrder: orders.get(req.sn) ?? null }
    },
    async updateHomestayOrderTradeState() {
      throw CodeError.common('not used by order-api')
    },
    async userHomestayOrderList(req) {
      seen.list.push(req)
      return { list: [...orders.values()].filter((o) => o.userId === req.userId) }
    },
  })
  paymentRpc = createRpcServer({ conf: serverConf('fake-payment-rpc'), logger })
  paymentRpc.addService<PaymentService>(paymentProto, paymentServiceName, {
    async GetPaymentSuccessRefundByOrderSn(req) {
      seen.paymentCalls++
      if (paymentState.failing) throw new Error('payment database is down')
      return { paymentDetail: payments.get(req.orderSn) ?? null }
    },
    async CreatePayment() {
      throw CodeError.common('not used by order-api')
    },
    async GetPaymentBySn() {
      throw CodeError.common('not used by order-api')
    },
    async UpdateTradeState() {
      throw CodeError.common('not used by order-api')
    },
  })
  const [orderPort, paymentPort] = await Promise.all([orderRpc.start(), paymentRpc.start()])
  const conf = loadOrderApiConf()
  conf.OrderRpc = { ...conf.OrderRpc, Endpoints: [`127.0.0.1:${orderPort}`] }
  conf.PaymentRpc = { ...conf.PaymentRpc, Endpoints: [`127.0.0.1:${paymentPort}`] }
  svc = createServiceContext(conf, logger)
  app = createServer(svc, logger)
  await app.ready()
})

after(async () => {
  await app.close()
  await svc.close()
  await Promise.all([orderRpc.stop(), paymentRpc.stop()])
})

beforeEach(() => {
  orders.clear()
  payments.clear()
  seen.create.length = 0
  seen.list.length = 0
  seen.paymentCalls = 0
  paymentState.failing = false
})

interface Envelope<D = Record<string, unknown>> {
  code: number
  msg: string
  data?: D
}

async function call<D = Record<string, unknown>>(route: string, payload: unknown, userId: number | null = OWNER) {
  const res = await app.inject({
    method: 'POST',
    url: `/order/v1/homestayOrder/${route}`,
    headers: { 'content-type': 'application/json', ...(userId === null ? {} : { 'x-user': String(userId) }) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  })
  return { status: res.statusCode, body: res.json<Envelope<D>>() }
}

const now = Math.floor(Date.now() / 1000)
const validCreate = { homestayId: 3, isFood: true, liveStartTime: now, liveEndTime: now + 86_400, livePeopleNum: 2, remark: 'late' }

describe('createHomestayOrder', () => {
  test('forwards the stay for the caller and answers with the order number', async () => {
    const res = await call<{ orderSn: string }>('createHomestayOrder', validCreate)
    assert.equal(res.status, 200)
    assert.equal(res.body.data?.orderSn, sn(999_999))
    assert.deepEqual(seen.create, [{ ...validCreate, userId: OWNER }])

    const { isFood: _f, remark: _r, ...minimal } = validCreate
    assert.equal((await call('createHomestayOrder', minimal)).status, 200)
    assert.equal(seen.create[1]?.isFood, false, 'isFood defaults to false')
    assert.equal(seen.create[1]?.remark, '', 'remark defaults to empty')
  })

  test('malformed or out-of-range input is 400/100002 and never reaches order-rpc', async () => {
    const { homestayId: _h, ...noHomestay } = validCreate
    const bad: [string, unknown][] = [
      ['missing homestayId', noHomestay],
      ['homestayId 0', { ...validCreate, homestayId: 0 }],
      ['homestayId as a string', { ...validCreate, homestayId: '3' }],
      ['fractional homestayId', { ...validCreate, homestayId: 1.5 }],
      ['isFood as a number', { ...validCreate, isFood: 1 }],
      ['negative start', { ...validCreate, liveStartTime: -5 }],
      ['start in milliseconds beyond year 9999', { ...validCreate, liveEndTime: Date.now() * 1000 }],
      ['no guests', { ...validCreate, livePeopleNum: 0 }],
      ['too many guests', { ...validCreate, livePeopleNum: 101 }],
      ['remark too long', { ...validCreate, remark: 'r'.repeat(65) }],
      ['not JSON', '{"homestayId": 3,'],
      ['array body', '[1,2]'],
    ]
    for (const [what, payload] of bad) {
      const res = await call('createHomestayOrder', payload)
      assert.equal(res.status, 400, what)
      assert.equal(res.body.code, 100002, `${what}: ${res.body.msg}`)
    }
    assert.equal(seen.create.length, 0)
  })

  test('without a caller id the request is refused as unauthenticated', async () => {
    const res = await call('createHomestayOrder', validCreate, null)
    assert.equal(res.body.code, 100003)
    assert.equal(seen.create.length, 0)
  })
})

describe('userHomestayOrderList', () => {
  test('lists the caller’s orders in yuan, with the trade code only when paid or used', async () => {
    order(sn(1), { tradeState: 0, orderTotalPrice: 29_999 })
    order(sn(2), { tradeState: 1 })
    order(sn(3), { tradeState: 2 })
    order(sn(4), { tradeState: -1 })
    order(sn(5), { tradeState: 3 })
    order(sn(6), { userId: STRANGER, tradeState: 1 })
    const res = await call<{ list: Record<string, unknown>[] }>('userHomestayOrderList', { lastId: 0, pageSize: 10, tradeState: -99 })
    assert.equal(res.status, 200)
    assert.deepEqual(seen.list, [{ userId: OWNER, traderState: -99, lastId: 0, pageSize: 10 }])
    const list = res.body.data?.list ?? []
    assert.deepEqual(
      list.map((o) => o.sn),
      [sn(1), sn(2), sn(3), sn(4), sn(5)],
    )
    assert.equal(list[0]?.orderTotalPrice, 299.99)
    assert.deepEqual(
      list.map((o) => o.tradeCode),
      ['', 'Zx81Qa0p', 'Zx81Qa0p', '', ''],
    )
    assert.deepEqual(Object.keys(list[0] ?? {}).sort(), [
      'cover',
      'createTime',
      'homestayId',
      'liveEndDate',
      'liveStartDate',
      'orderTotalPrice',
      'sn',
      'subTitle',
      'title',
      'tradeCode',
      'tradeState',
    ])
  })

  test('paging and state bounds are checked', async () => {
    const bad = [
      { lastId: 0, pageSize: 0, tradeState: -99 },
      { lastId: 0, pageSize: 101, tradeState: -99 },
      { lastId: -1, pageSize: 10, tradeState: -99 },
      { lastId: 0, pageSize: 10, tradeState: 5 },
      { lastId: 0, pageSize: 10, tradeState: -2 },
      { lastId: 0, pageSize: 10 },
    ]
    for (const payload of bad) {
      const res = await call('userHomestayOrderList', payload)
      assert.equal(res.status, 400, JSON.stringify(payload))
      assert.equal(res.body.code, 100002, JSON.stringify(payload))
    }
    assert.equal(seen.list.length, 0)
  })
})

describe('userHomestayOrderDetail', () => {
  test('the owner sees the full order in yuan; a wait-pay order has no payment and no code', async () => {
    order(sn(10))
    const res = await call<Record<string, unknown>>('userHomestayOrderDetail', { sn: sn(10) })
    assert.equal(res.status, 200)
    const d = res.body.data ?? {}
    assert.equal(d.orderTotalPrice, 717.96)
    assert.equal(d.foodTotalPrice, 119.96)
    assert.equal(d.homestayTotalPrice, 598)
    assert.equal(d.homestayPrice, 299)
    assert.equal(d.foodPrice, 29.99)
    assert.equal(d.marketHomestayPrice, 399.01)
    assert.equal(d.tradeState, 0)
    assert.equal(d.tradeCode, '')
    assert.equal(d.payTime, 0)
    assert.equal(d.payType, '')
    assert.equal(d.liveStartDate, 1_717_171_200)
    assert.equal(d.needFood, 1)
    assert.equal(seen.paymentCalls, 0, 'no payment lookup for an unpaid order')
  })

  test('a paid order shows its payment time, mode and trade code', async () => {
    order(sn(11), { tradeState: 1 })
    payment(sn(11), 1_717_100_000)
    const d = (await call<Record<string, unknown>>('userHomestayOrderDetail', { sn: sn(11) })).body.data ?? {}
    assert.equal(d.payTime, 1_717_100_000)
    assert.equal(d.payType, 'WECHAT_PAY')
    assert.equal(d.tradeCode, 'Zx81Qa0p')

    order(sn(12), { tradeState: 1 })
    const none = (await call<Record<string, unknown>>('userHomestayOrderDetail', { sn: sn(12) })).body.data ?? {}
    assert.equal(none.payTime, 0, 'no successful payment recorded')
    assert.equal(none.payType, '')
  })

  test('when payment-rpc fails the order is still served, without payment data, and a warning is logged', async () => {
    order(sn(13), { tradeState: 1 })
    payment(sn(13), 1_717_100_000)
    paymentState.failing = true
    const res = await call<Record<string, unknown>>('userHomestayOrderDetail', { sn: sn(13) })
    assert.equal(res.status, 200)
    assert.equal(res.body.data?.payTime, 0)
    assert.equal(res.body.data?.payType, '')
    assert.equal(res.body.data?.sn, sn(13))
    assert.ok(logLines().some((l) => l.level === 'warn' && l.sn === sn(13)))
  })

  test('someone else’s order answers exactly like an order that does not exist', async () => {
    order(sn(14), { userId: STRANGER, tradeState: 1 })
    const theirs = await call('userHomestayOrderDetail', { sn: sn(14) })
    const missing = await call('userHomestayOrderDetail', { sn: sn(15) })
    assert.equal(theirs.status, 400)
    assert.deepEqual(theirs.body, missing.body)
    assert.deepEqual(missing.body, { code: 100001, msg: 'order does not exist' })
    assert.equal(seen.paymentCalls, 0)
  })

  test('a malformed order number is 400/100002', async () => {
    for (const payload of [{ sn: 'HSO1' }, { sn: `${sn(1)}0` }, { sn: 42 }, {}, { sn: "HSO' OR 1=1 --________" }]) {
      const res = await call('userHomestayOrderDetail', payload)
      assert.equal(res.status, 400, JSON.stringify(payload))
      assert.equal(res.body.code, 100002, JSON.stringify(payload))
    }
  })
})
