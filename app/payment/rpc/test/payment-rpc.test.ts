/**
 * payment-rpc over gRPC against the real MariaDB and Redis: payments, trade state changes, and the
 * outbox relay with a fake mqueue publisher.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { OutboxState, PayStatus } from '@looklook/payment-model'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { UpdateTradeStateReq } from '../gen/payment.ts'
import { OutboxRelay } from '../src/logic/outbox-relay.ts'
import { FakePublisher, startTestRpc, type TestRpc, uniqueOrderSn } from './helpers.ts'

let rpc: TestRpc

before(async () => {
  rpc = await startTestRpc()
})
after(async () => {
  await rpc.close()
})

function paymentReq(orderSn: string, payTotal = 12_345) {
  return { userId: 7, payModel: 'WECHAT_PAY', payTotal, orderSn, serviceType: 'homestayOrder' }
}

function success(sn: string, extra: Partial<UpdateTradeStateReq> = {}): UpdateTradeStateReq {
  return {
    sn,
    tradeState: 'SUCCESS',
    transactionId: '4200000001202405011234567890',
    tradeType: 'JSAPI',
    tradeStateDesc: '支付成功',
    payStatus: PayStatus.success,
    payTime: 1_714_550_400,
    ...extra,
  }
}

async function rejects(p: Promise<unknown>, code: number, message?: RegExp): Promise<CodeError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  )
  assert.ok(err instanceof CodeError, `a CodeError, got ${String(err)}`)
  assert.equal(err.code, code, err.message)
  if (message) assert.match(err.message, message)
  return err
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('CreatePayment', () => {
  test('creates a wait payment with a PMT sn and reads it back', async () => {
    const orderSn = uniqueOrderSn()
    const { sn } = await rpc.client.CreatePayment(paymentReq(orderSn))
    assert.match(sn, /^PMT\d{22}$/)
    const { paymentDetail } = await rpc.client.GetPaymentBySn({ sn })
    assert.ok(paymentDetail)
    assert.equal(paymentDetail.sn, sn)
    assert.equal(paymentDetail.orderSn, orderSn)
    assert.equal(paymentDetail.payStatus, PayStatus.wait)
    assert.equal(paymentDetail.payTotal, 12_345)
    assert.equal(paymentDetail.payMode, 'WECHAT_PAY')
    assert.equal(paymentDetail.userId, 7)
    assert.equal(paymentDetail.payTime, 0, 'not paid yet')
    assert.ok(paymentDetail.createTime > 0)
  })

  test('a second call for an order with a wait payment returns that payment', async () => {
    const orderSn = uniqueOrderSn()
    const first = await rpc.client.CreatePayment(paymentReq(orderSn))
    const second = await rpc.client.CreatePayment(paymentReq(orderSn))
    assert.equal(second.sn, first.sn)
  })

  test('10 concurrent first calls for one order make one payment', async () => {
    const orderSn = uniqueOrderSn()
    const results = await Promise.all(Array.from({ length: 10 }, () => rpc.client.CreatePayment(paymentReq(orderSn))))
    assert.equal(new Set(results.map((r) => r.sn)).size, 1)
    assert.equal(await rpc.svc.thirdPaymentModel.count({ where: '`order_sn` = ?', args: [orderSn] }), 1)
  })

  test('a wait payment with another amount is not silently reused', async () => {
    const orderSn = uniqueOrderSn()
    await rpc.client.CreatePayment(paymentReq(orderSn, 100))
    await rejects(rpc.client.CreatePayment(paymentReq(orderSn, 200)), ErrCode.SERVER_COMMON_ERROR, /in progress/)
  })

  test('no new payment for an order that was paid', async () => {
    const orderSn = uniqueOrderSn()
    const { sn } = await rpc.client.CreatePayment(paymentReq(orderSn))
    await rpc.client.UpdateTradeState(success(sn))
    await rejects(rpc.client.CreatePayment(paymentReq(orderSn)), ErrCode.SERVER_COMMON_ERROR, /already been paid/)
  })

  test('invalid requests are param errors', async () => {
    const orderSn = uniqueOrderSn()
    await rejects(rpc.client.CreatePayment({ ...paymentReq(orderSn), payTotal: 0 }), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.CreatePayment({ ...paymentReq(orderSn), userId: 0 }), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.CreatePayment({ ...paymentReq(''), orderSn: '' }), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.CreatePayment({ ...paymentReq(orderSn), orderSn: 'X'.repeat(26) }), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.CreatePayment({ ...paymentReq(orderSn), payModel: 'ALIPAY' }), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.CreatePayment({ ...paymentReq(orderSn), serviceType: '' }), ErrCode.REQUEST_PARAM_ERROR)
    assert.equal(await rpc.svc.thirdPaymentModel.count({ where: '`order_sn` = ?', args: [orderSn] }), 0)
  })
})

describe('GetPaymentBySn / GetPaymentSuccessRefundByOrderSn', () => {
  test('unknown sn and unknown order give an empty detail', async () => {
    const bySn = await rpc.client.GetPaymentBySn({ sn: 'PMT0000000000000000000000' })
    assert.equal(bySn.paymentDetail?.id, 0)
    const byOrder = await rpc.client.GetPaymentSuccessRefundByOrderSn({ orderSn: uniqueOrderSn() })
    assert.equal(byOrder.paymentDetail?.id, 0)
    assert.equal((await rpc.client.GetPaymentBySn({ sn: '' })).paymentDetail?.id, 0)
  })

  test('the paid payment of an order appears once it is paid, and stays through a refund', async () => {
    const orderSn = uniqueOrderSn()
    const { sn } = await rpc.client.CreatePayment(paymentReq(orderSn))
    assert.equal((await rpc.client.GetPaymentSuccessRefundByOrderSn({ orderSn })).paymentDetail?.id, 0, 'a wait payment is not shown')
    await rpc.client.UpdateTradeState(success(sn))
    const paid = (await rpc.client.GetPaymentSuccessRefundByOrderSn({ orderSn })).paymentDetail
    assert.equal(paid?.sn, sn)
    assert.equal(paid?.payStatus, PayStatus.success)
    assert.equal(paid?.payTime, 1_714_550_400)
    await rpc.client.UpdateTradeState(success(sn, { tradeState: 'REFUND', tradeStateDesc: '转入退款', payStatus: PayStatus.refund }))
    const refunded = (await rpc.client.GetPaymentSuccessRefundByOrderSn({ orderSn })).paymentDetail
    assert.equal(refunded?.payStatus, PayStatus.refund)
    assert.equal(refunded?.payTime, 1_714_550_400, 'a refund keeps the pay time')
  })
})

describe('UpdateTradeState', () => {
  test('SUCCESS 5 times in a row → one change, one outbox row', async () => {
    const orderSn = uniqueOrderSn()
    const { sn } = await rpc.client.CreatePayment(paymentReq(orderSn))
    for (let i = 0; i < 5; i++) await rpc.client.UpdateTradeState(success(sn, { payTime: 1_714_550_400 + i }))
    const row = await rpc.svc.thirdPaymentModel.findOneBySn(sn)
    assert.ok(row)
    assert.equal(row.payStatus, PayStatus.success)
    assert.equal(row.version, 1, 'exactly one update')
    assert.equal(row.tradeState, 'SUCCESS')
    assert.equal(row.tradeType, 'JSAPI')
    assert.equal(row.transactionId, '4200000001202405011234567890')
    assert.equal(row.payTime.getTime(), 1_714_550_400_000, 'the first delivery decided the pay time')
    const events = await rpc.svc.outboxModel.findByPaymentSn(sn)
    assert.deepEqual(
      events.map((e) => [e.orderSn, e.payStatus, e.state]),
      [[orderSn, PayStatus.success, OutboxState.pending]],
    )
  })

  test('SUCCESS 5 times concurrently → one change, one outbox row', async () => {
    const orderSn = uniqueOrderSn()
    const { sn } = await rpc.client.CreatePayment(paymentReq(orderSn))
    await Promise.all(Array.from({ length: 5 }, () => rpc.client.UpdateTradeState(success(sn))))
    assert.equal((await rpc.svc.thirdPaymentModel.findOneBySn(sn))?.version, 1)
    assert.equal((await rpc.svc.outboxModel.findByPaymentSn(sn)).length, 1)
  })

  test('wrong transitions are rejected and change nothing', async () => {
    const orderSn = uniqueOrderSn()
    const { sn } = await rpc.client.CreatePayment(paymentReq(orderSn))
    // A wait payment cannot be refunded.
    await rejects(rpc.client.UpdateTradeState(success(sn, { payStatus: PayStatus.refund })), ErrCode.SERVER_COMMON_ERROR, /cannot change/)
    assert.equal((await rpc.svc.thirdPaymentModel.findOneBySn(sn))?.version, 0)
    await rpc.client.UpdateTradeState(success(sn))
    // A paid payment cannot fail afterwards.
    await rejects(rpc.client.UpdateTradeState(success(sn, { payStatus: PayStatus.failed })), ErrCode.SERVER_COMMON_ERROR, /cannot change/)

    const failedSn = (await rpc.client.CreatePayment(paymentReq(uniqueOrderSn()))).sn
    await rpc.client.UpdateTradeState(success(failedSn, { tradeState: 'PAYERROR', payStatus: PayStatus.failed }))
    // A failed payment never becomes paid (the order needs a new payment).
    await rejects(rpc.client.UpdateTradeState(success(failedSn)), ErrCode.SERVER_COMMON_ERROR, /cannot change/)
    const failed = await rpc.svc.thirdPaymentModel.findOneBySn(failedSn)
    assert.equal(failed?.payStatus, PayStatus.failed)
    assert.equal((await rpc.svc.outboxModel.findByPaymentSn(failedSn)).length, 0, 'a failed payment is not published')

    const row = await rpc.svc.thirdPaymentModel.findOneBySn(sn)
    assert.equal(row?.payStatus, PayStatus.success)
    assert.equal(row?.version, 1)
    assert.equal((await rpc.svc.outboxModel.findByPaymentSn(sn)).length, 1)
  })

  test('unknown payments and malformed requests are rejected', async () => {
    await rejects(rpc.client.UpdateTradeState(success('PMT0000000000000000000001')), ErrCode.SERVER_COMMON_ERROR, /does not exist/)
    const { sn } = await rpc.client.CreatePayment(paymentReq(uniqueOrderSn()))
    await rejects(rpc.client.UpdateTradeState(success(sn, { payStatus: 0 })), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.UpdateTradeState(success(sn, { payStatus: 5 })), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.UpdateTradeState(success(sn, { transactionId: '4'.repeat(33) })), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.UpdateTradeState(success(sn, { payTime: -1 })), ErrCode.REQUEST_PARAM_ERROR)
    await rejects(rpc.client.UpdateTradeState(success('')), ErrCode.REQUEST_PARAM_ERROR)
    assert.equal((await rpc.svc.thirdPaymentModel.findOneBySn(sn))?.payStatus, PayStatus.wait)
  })
})

describe('outbox relay', () => {
  test('retries with backoff while the publisher fails, then delivers once', async () => {
    // A database of its own: the relay goes in id order, so other tests' pending rows would come first.
    const own = await startTestRpc()
    const orderSn = uniqueOrderSn()
    const { sn } = await own.client.CreatePayment(paymentReq(orderSn))
    own.publisher.failing = 'transient'
    await own.svc.relay.start()
    try {
      await own.client.UpdateTradeState(success(sn))
      await waitUntil(async () => ((await own.svc.outboxModel.findByPaymentSn(sn))[0]?.attempts ?? 0) >= 3)
      const pending = (await own.svc.outboxModel.findByPaymentSn(sn))[0]
      assert.equal(pending?.state, OutboxState.pending, 'not marked sent while failing')
      assert.match(pending?.lastError ?? '', /kafka broker not reachable/)
      assert.equal(own.publisher.sentFor(orderSn), 0)
      // Backoff: over 400 ms at most a handful of attempts (40, 80, 160, 160 … ms), not a busy loop.
      const before = own.publisher.calls
      await new Promise((r) => setTimeout(r, 400))
      assert.ok(own.publisher.calls - before <= 5, `attempts in 400 ms: ${own.publisher.calls - before}`)

      own.publisher.failing = false
      await waitUntil(async () => (await own.svc.outboxModel.findByPaymentSn(sn))[0]?.state === OutboxState.sent)
      // A few more polls: it must stay delivered exactly once.
      await new Promise((r) => setTimeout(r, 200))
      assert.equal(own.publisher.sentFor(orderSn), 1)
      assert.deepEqual(
        own.publisher.sent.find((e) => e.orderSn === orderSn),
        { orderSn, payStatus: PayStatus.success },
      )
      const sent = (await own.svc.outboxModel.findByPaymentSn(sn))[0]
      assert.ok(sent && sent.sentTime.getTime() > Date.now() - 60_000, 'sent_time set')
    } finally {
      await own.close()
    }
  })

  test('a new event is published at once, without waiting for the poll', async () => {
    const slow = await startTestRpc({ PollIntervalMs: 60_000 })
    try {
      await slow.svc.relay.start()
      // The relay's first pass ran at start; from now on only a kick can wake it before a minute.
      await new Promise((r) => setTimeout(r, 100))
      const orderSn = uniqueOrderSn()
      const { sn } = await slow.client.CreatePayment(paymentReq(orderSn))
      await slow.client.UpdateTradeState(success(sn))
      await waitUntil(async () => slow.publisher.sentFor(orderSn) === 1, 2000)
    } finally {
      await slow.close()
    }
  })

  test('two relays (two replicas) publish each event once', async () => {
    const orderSns = Array.from({ length: 8 }, () => uniqueOrderSn())
    await rpc.svc.db.transact(async (tx) => {
      for (const [i, orderSn] of orderSns.entries()) {
        await rpc.svc.outboxModel.add(
          { paymentSn: `PMTRELAY${Date.now()}${i}`.slice(0, 25), orderSn, payStatus: PayStatus.success, traceParent: '' },
          tx,
        )
      }
    })
    const publishers = [new FakePublisher(), new FakePublisher()]
    const conf = { PollIntervalMs: 50, BatchSize: 3, MinBackoffMs: 40, MaxBackoffMs: 160 }
    const relays = publishers.map((publisher) => {
      publisher.delayMs = 15
      return new OutboxRelay({ outbox: rpc.svc.outboxModel, publisher, conf, logger: rpc.svc.logger })
    })
    // Passes of both relays overlap until everything is out.
    for (let round = 0; round < 10; round++) await Promise.all(relays.map((r) => r.runOnce()))
    for (const orderSn of orderSns) {
      assert.equal(
        publishers.reduce((n, p) => n + p.sentFor(orderSn), 0),
        1,
        orderSn,
      )
    }
    // Claims skip each other's rows instead of queueing behind them: both relays got work.
    for (const p of publishers) assert.ok(orderSns.some((sn) => p.sentFor(sn) > 0))
  })

  test('an event rejected as invalid is retired and does not block the next one', async () => {
    const bad = uniqueOrderSn()
    const good = uniqueOrderSn()
    await rpc.svc.db.transact(async (tx) => {
      await rpc.svc.outboxModel.add({ paymentSn: `PMTDEAD${Date.now()}`.slice(0, 25), orderSn: bad, payStatus: 9, traceParent: '' }, tx)
      await rpc.svc.outboxModel.add(
        { paymentSn: `PMTLIVE${Date.now()}`.slice(0, 25), orderSn: good, payStatus: PayStatus.success, traceParent: '' },
        tx,
      )
    })
    const publisher = new FakePublisher()
    const rejecting = {
      kqPaymenStatusUpdate: (req: { orderSn: string; payStatus: number }) => {
        if (req.payStatus === 9) return Promise.reject(CodeError.param('payStatus is not a payment status'))
        return publisher.kqPaymenStatusUpdate(req)
      },
    }
    const relay = new OutboxRelay({
      outbox: rpc.svc.outboxModel,
      publisher: rejecting,
      conf: { PollIntervalMs: 50, BatchSize: 100, MinBackoffMs: 40, MaxBackoffMs: 160 },
      logger: rpc.svc.logger,
    })
    const pass = await relay.runOnce()
    assert.ok(pass.dead >= 1)
    assert.equal(publisher.sentFor(good), 1)
    const [dead] = await rpc.svc.outboxModel.findAll({ where: '`order_sn` = ?', args: [bad] })
    assert.equal(dead?.state, OutboxState.dead)
    assert.match(dead?.lastError ?? '', /not a payment status/)
  })
})
