import assert from 'node:assert/strict'
import { randomInt, randomUUID } from 'node:crypto'
import { after, test } from 'node:test'
import type { TRpcClientConf } from '@looklook/conf'
import { PoisonMessageError } from '@looklook/kq'
import { createLogger } from '@looklook/logx'
import { createPool, createRedis, SqlConn } from '@looklook/model'
import type { MqueueClient } from '@looklook/mqueue-rpc/client'
import type { SendWxMiniSubMessageReq } from '@looklook/mqueue-rpc/gen'
import type { OrderClient } from '@looklook/order-rpc/client'
import { OrderRefusals } from '@looklook/order-rpc/contract'
import type { HomestayOrder, UpdateHomestayOrderTradeStateResp } from '@looklook/order-rpc/gen'
import type { PaymentClient } from '@looklook/payment-rpc/client'
import { UnrecoverableError } from '@looklook/queue'
import type { UsercenterClient } from '@looklook/usercenter-rpc/client'
import { CodeError } from '@looklook/xerr'
import { fromServiceError, Metadata, status, toServerStatus } from '@looklook/zrpc'
import { loadOrderMqConf, type OrderMqConf } from '../src/config.ts'
import { paymentUpdatePayStatus } from '../src/consumers/payment-update-paystatus.ts'
import { closeHomestayOrder } from '../src/jobs/close-homestay-order.ts'
import { closeStaleOrders } from '../src/jobs/close-stale-orders.ts'
import { expirePaidOrders } from '../src/jobs/expire-paid-orders.ts'
import { fenToYuan, formatDate, thing } from '../src/logic/format.ts'
import { isBusinessRejection } from '../src/logic/rpc-errors.ts'
import type { ServiceContext } from '../src/svc-context.ts'

const logger = createLogger({ service: 'order-mq-test', level: 'fatal' })
const rpcConf: TRpcClientConf = { Endpoints: ['127.0.0.1:1'], Timeout: 100, NonBlock: true }
// The etc yaml's sections first, so a section added there (e.g. by ./looklook new consumer) needs no edit here.
const conf: OrderMqConf = {
  ...loadOrderMqConf(),
  Name: 'order-mq-test',
  Kafka: {
    Brokers: ['127.0.0.1:9092'],
    Topic: 't',
    Group: 'g',
    Offset: 'first',
    Retry: { Attempts: 1, InitialBackoffMs: 1, MaxBackoffMs: 1 },
  },
  Redis: { Host: process.env.REDIS_HOST ?? '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: `test-${randomUUID()}:` },
  WorkerConcurrency: 1,
  DB: { DataSource: process.env.ORDER_DB ?? 'mysql://looklook:looklook@127.0.0.1:3306/looklook_order', PoolSize: 2 },
  TimeZone: 'Asia/Shanghai',
  OrderRpc: rpcConf,
  UsercenterRpc: rpcConf,
  MqueueRpc: rpcConf,
  PaymentRpc: rpcConf,
  WxMiniTemplates: {
    PaySuccess: { TemplateID: 'tpl-paid', Page: 'pages/order/detail' },
    CheckIn: { TemplateID: 'tpl-checkin', Page: '', Remark: '请到商家出示【入住密码】进行入住' },
  },
}
const redis = createRedis(conf.Redis)
const db = new SqlConn(createPool(conf.DB))

after(async () => {
  // The markers live under this run's key prefix; a client without the prefix removes them.
  const plain = createRedis({ ...conf.Redis, KeyPrefix: '' })
  const keys = await plain.keys(`${conf.Redis.KeyPrefix}order-mq:notified:*`)
  if (keys.length > 0) await plain.del(...keys)
  plain.disconnect()
  redis.disconnect()
  await db.close()
})

/** An error order-rpc throws as the zrpc client delivers it: through its gRPC status and back. */
function delivered(err: unknown): CodeError {
  const s = toServerStatus(err)
  return fromServiceError(Object.assign(new Error(`${s.code} ${s.details}`), s))
}

function outage(): CodeError {
  const cause = Object.assign(new Error('unavailable'), { code: status.UNAVAILABLE, details: 'unavailable', metadata: new Metadata() })
  return new CodeError(100001, undefined, { cause })
}

interface Fakes {
  orders: Map<string, HomestayOrder>
  /** order sn → pay_status of its paid or refunded payment */
  payments: Map<string, number>
  updates: { sn: string; tradeState: number }[]
  sent: SendWxMiniSubMessageReq[]
  openids: Map<number, string>
  failSend: number
  failUpdate?: CodeError
}

function order(sn: string, over: Partial<HomestayOrder> = {}): HomestayOrder {
  return {
    id: randomInt(1, 1e9),
    sn,
    userId: 7,
    homestayId: 1,
    title: '海景大床房·近地铁·可做饭·含早餐双人间套餐',
    subTitle: '',
    cover: '',
    info: '',
    peopleNum: 2,
    rowType: 0,
    foodInfo: '',
    foodPrice: 0,
    homestayPrice: 0,
    marketHomestayPrice: 0,
    homestayBusinessId: 1,
    homestayUserId: 1,
    // 2025-05-01 and 2025-05-03, midnight in Asia/Shanghai
    liveStartDate: 1746028800,
    liveEndDate: 1746201600,
    livePeopleNum: 1,
    tradeState: 0,
    tradeCode: 'Ab3dE6gH',
    remark: '',
    orderTotalPrice: 123405,
    foodTotalPrice: 0,
    homestayTotalPrice: 123405,
    createTime: 0,
    needFood: 0,
    ...over,
  }
}

function svcWith(f: Fakes): ServiceContext {
  const toResp = (o: HomestayOrder): UpdateHomestayOrderTradeStateResp => ({
    id: o.id,
    userId: o.userId,
    sn: o.sn,
    tradeCode: o.tradeCode,
    liveStartDate: o.liveStartDate,
    liveEndDate: o.liveEndDate,
    orderTotalPrice: o.orderTotalPrice,
    title: o.title,
  })
  const orderRpc = {
    async homestayOrderDetail({ sn }: { sn: string }) {
      return { homestayOrder: f.orders.get(sn) ?? null }
    },
    async updateHomestayOrderTradeState({ sn, tradeState }: { sn: string; tradeState: number }) {
      if (f.failUpdate) throw f.failUpdate
      f.updates.push({ sn, tradeState })
      const o = f.orders.get(sn)
      if (!o) throw delivered(OrderRefusals.ORDER_NOT_FOUND())
      if (o.tradeState !== tradeState) {
        const allowed = (o.tradeState === 0 && (tradeState === 1 || tradeState === -1)) || (o.tradeState === 1 && tradeState > 1)
        if (!allowed) throw delivered(OrderRefusals.ORDER_TRANSITION_REFUSED(o.tradeState, tradeState))
        o.tradeState = tradeState
      }
      return toResp(o)
    },
  } as unknown as OrderClient
  const usercenterRpc = {
    async getUserAuthByUserId({ userId }: { userId: number }) {
      const openid = f.openids.get(userId)
      return { userAuth: openid ? { id: 1, userId, authType: 'wxMini', authKey: openid } : null }
    },
  } as unknown as UsercenterClient
  const mqueueRpc = {
    async sendWxMiniSubMessage(req: SendWxMiniSubMessageReq) {
      if (f.failSend > 0) {
        f.failSend--
        throw outage()
      }
      f.sent.push(req)
      return {}
    },
  } as unknown as MqueueClient
  const paymentRpc = {
    async GetPaymentSuccessRefundByOrderSn({ orderSn }: { orderSn: string }) {
      const payStatus = f.payments.get(orderSn)
      return { paymentDetail: { id: payStatus === undefined ? 0 : 99, orderSn, payStatus: payStatus ?? 0 } }
    },
  } as unknown as PaymentClient
  return { config: conf, logger, orderRpc, usercenterRpc, mqueueRpc, paymentRpc, redis, orderDb: db, close: async () => {} }
}

function fakes(): Fakes {
  return { orders: new Map(), payments: new Map(), updates: [], sent: [], openids: new Map([[7, 'o-guest']]), failSend: 0 }
}

test('value helpers: yuan with two decimals, dates in the business zone, thing cut to 20 characters', () => {
  assert.equal(fenToYuan(123405), '1234.05')
  assert.equal(fenToYuan(5), '0.05')
  assert.equal(fenToYuan(100), '1.00')
  assert.equal(formatDate(1746028800, 'Asia/Shanghai'), '2025-05-01')
  assert.equal(formatDate(1746028800, 'UTC'), '2025-04-30')
  assert.equal(thing('short'), 'short')
  assert.equal([...thing('一二三四五六七八九十一二三四五六七八九十一')].length, 20)
  assert.ok(thing('一二三四五六七八九十一二三四五六七八九十一').endsWith('…'))
})

test('paid: order 0→1, then pay-success and check-in messages with the real dates, amount and trade code', async () => {
  const f = fakes()
  const sn = `HSO${randomUUID()}`
  f.orders.set(sn, order(sn))
  await paymentUpdatePayStatus(svcWith(f), { payStatus: 1, orderSn: sn })
  assert.equal(f.orders.get(sn)?.tradeState, 1)
  assert.deepEqual(f.sent, [
    {
      Openid: 'o-guest',
      TemplateID: 'tpl-paid',
      Page: `pages/order/detail?sn=${sn}`,
      Data: {
        character_string6: sn,
        thing1: '海景大床房·近地铁·可做饭·含早餐双人…',
        amount2: '1234.05',
        time4: '2025-05-01',
        time5: '2025-05-03',
      },
    },
    {
      Openid: 'o-guest',
      TemplateID: 'tpl-checkin',
      Page: '',
      Data: { date2: '2025-05-01', date3: '2025-05-03', character_string4: 'Ab3dE6gH', thing1: '请到商家出示【入住密码】进行入住' },
    },
  ])
})

test('a redelivered paid event is a no-op and sends nothing twice; a failed send is retried without repeating the sent one', async () => {
  const f = fakes()
  const sn = `HSO${randomUUID()}`
  f.orders.set(sn, order(sn))
  const svc = svcWith(f)
  // First delivery: the second message fails to queue (mqueue-rpc away) → the consumer will retry.
  let sends = 0
  const real = svc.mqueueRpc.sendWxMiniSubMessage
  svc.mqueueRpc.sendWxMiniSubMessage = async (req) => {
    if (++sends === 2) throw outage()
    return real(req)
  }
  await assert.rejects(paymentUpdatePayStatus(svc, { payStatus: 1, orderSn: sn }))
  assert.equal(f.sent.length, 1)
  await paymentUpdatePayStatus(svc, { payStatus: 1, orderSn: sn })
  await paymentUpdatePayStatus(svc, { payStatus: 1, orderSn: sn })
  assert.deepEqual(
    f.sent.map((m) => m.TemplateID),
    ['tpl-paid', 'tpl-checkin'],
  )
  assert.equal(f.orders.get(sn)?.tradeState, 1)
})

test('refund moves 1→3 without notifications; unknown pay statuses change nothing', async () => {
  const f = fakes()
  const sn = `HSO${randomUUID()}`
  f.orders.set(sn, order(sn, { tradeState: 1 }))
  await paymentUpdatePayStatus(svcWith(f), { payStatus: 2, orderSn: sn })
  assert.equal(f.orders.get(sn)?.tradeState, 3)
  await paymentUpdatePayStatus(svcWith(f), { payStatus: 0, orderSn: sn })
  assert.deepEqual(f.updates, [{ sn, tradeState: 3 }])
  assert.deepEqual(f.sent, [])
})

test('a guest without a mini-program login is not notified', async () => {
  const f = fakes()
  f.openids.clear()
  const sn = `HSO${randomUUID()}`
  f.orders.set(sn, order(sn))
  await paymentUpdatePayStatus(svcWith(f), { payStatus: 1, orderSn: sn })
  assert.equal(f.orders.get(sn)?.tradeState, 1)
  assert.deepEqual(f.sent, [])
})

test('refused transitions are poison; outages are thrown for a retry', async () => {
  const f = fakes()
  const sn = `HSO${randomUUID()}`
  f.orders.set(sn, order(sn, { tradeState: -1 }))
  await assert.rejects(paymentUpdatePayStatus(svcWith(f), { payStatus: 1, orderSn: sn }), PoisonMessageError)
  await assert.rejects(paymentUpdatePayStatus(svcWith(f), { payStatus: 1, orderSn: 'HSO-missing' }), PoisonMessageError)
  f.failUpdate = outage()
  await assert.rejects(
    paymentUpdatePayStatus(svcWith(f), { payStatus: 1, orderSn: sn }),
    (err: unknown) => !(err instanceof PoisonMessageError),
  )
  assert.deepEqual(f.sent, [])
})

test('the close job cancels a wait-pay order and leaves any other alone', async () => {
  const f = fakes()
  const [unpaid, paid] = [`HSO${randomUUID()}`, `HSO${randomUUID()}`]
  f.orders.set(unpaid, order(unpaid))
  f.orders.set(paid, order(paid, { tradeState: 1 }))
  const svc = svcWith(f)
  await closeHomestayOrder(svc, { sn: unpaid })
  await closeHomestayOrder(svc, { sn: paid })
  assert.equal(f.orders.get(unpaid)?.tradeState, -1)
  assert.equal(f.orders.get(paid)?.tradeState, 1)
  assert.deepEqual(f.updates, [{ sn: unpaid, tradeState: -1 }])
  await assert.rejects(closeHomestayOrder(svc, { sn: 'HSO-missing' }), UnrecoverableError)
})

test('an order paid while its event is late is completed by the close job, not cancelled, and the event then changes nothing', async () => {
  const f = fakes()
  const sn = `HSO${randomUUID()}`
  f.orders.set(sn, order(sn))
  f.payments.set(sn, 1)
  const svc = svcWith(f)
  await closeHomestayOrder(svc, { sn })
  assert.equal(f.orders.get(sn)?.tradeState, 1)
  assert.equal(f.sent.length, 2, 'the guest is notified')
  await paymentUpdatePayStatus(svc, { payStatus: 1, orderSn: sn })
  assert.equal(f.sent.length, 2, 'the late event sends nothing again')
  const refunded = `HSO${randomUUID()}`
  f.orders.set(refunded, order(refunded))
  f.payments.set(refunded, 2)
  await closeHomestayOrder(svc, { sn: refunded })
  assert.equal(f.orders.get(refunded)?.tradeState, 0, 'a refunded payment leaves the order for a person')
})

/** Inserts an order row straight into looklook_order (the sweeps read the database). */
async function insertRow(sn: string, tradeState: number, liveEnd: string, createdSecondsAgo: number): Promise<void> {
  await db.exec(
    'INSERT INTO `homestay_order` (`sn`, `user_id`, `live_start_date`, `live_end_date`, `trade_state`, `create_time`) VALUES (?, ?, ?, ?, ?, ?)',
    [sn, 7, '2020-01-01', liveEnd, tradeState, new Date(Date.now() - createdSecondsAgo * 1000)],
  )
}

function snOf(tag: string): string {
  return `HSOT${tag}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(Date.now()).slice(-8)}`.slice(0, 25)
}

test('the sweeps pick exactly the orders they should from the database', async () => {
  const today = formatDate(Date.now() / 1000, conf.TimeZone)
  const rows = {
    paidEnded: snOf('A'),
    paidEndsToday: snOf('B'),
    unpaidOld: snOf('C'),
    unpaidFresh: snOf('D'),
    cancelledOld: snOf('E'),
    paidLate: snOf('F'),
  }
  await insertRow(rows.paidEnded, 1, '2020-01-03', 0)
  await insertRow(rows.paidEndsToday, 1, today, 0)
  await insertRow(rows.unpaidOld, 0, '2099-01-01', 3600)
  await insertRow(rows.unpaidFresh, 0, '2099-01-01', 5)
  await insertRow(rows.cancelledOld, -1, '2099-01-01', 3600)
  await insertRow(rows.paidLate, 0, '2099-01-01', 3600)
  try {
    const f = fakes()
    const svc = svcWith(f)
    for (const sn of Object.values(rows)) f.orders.set(sn, order(sn))
    f.payments.set(rows.paidLate, 1)
    await expirePaidOrders(svc, { batchSize: 10_000 })
    await closeStaleOrders(svc, { olderThanSeconds: 600, batchSize: 10_000 })
    const touched = new Map(f.updates.map((u) => [u.sn, u.tradeState]))
    assert.equal(touched.get(rows.paidEnded), 4, 'a paid order whose end date passed expires')
    assert.equal(touched.get(rows.unpaidOld), -1, 'an unpaid order older than the delay is cancelled')
    assert.equal(touched.has(rows.paidEndsToday), false, 'checkout day itself is not over')
    assert.equal(touched.has(rows.unpaidFresh), false, 'a fresh unpaid order is left to its close job')
    assert.equal(touched.has(rows.cancelledOld), false)
    assert.equal(touched.get(rows.paidLate), 1, 'an old unpaid order with a payment is completed, not cancelled')
  } finally {
    await db.exec('DELETE FROM `homestay_order` WHERE `sn` IN (?, ?, ?, ?, ?, ?)', Object.values(rows))
  }
})

test('a rejection is a named refusal or a code of its own; an outage or a bare failure is not', () => {
  assert.equal(isBusinessRejection(delivered(OrderRefusals.ORDER_TRANSITION_REFUSED(-1, 1))), true)
  assert.equal(isBusinessRejection(delivered(CodeError.param('sn is invalid'))), true)
  assert.equal(isBusinessRejection(delivered(new CodeError(100006))), true)
  assert.equal(isBusinessRejection(delivered(new Error('SELECT broke'))), false, 'INTERNAL')
  assert.equal(isBusinessRejection(delivered(CodeError.common('please retry', new Error('duplicate')))), false)
  assert.equal(isBusinessRejection(outage()), false)
  assert.equal(isBusinessRejection(new Error('not from an rpc')), false)
})
