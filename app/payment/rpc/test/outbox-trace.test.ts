/**
 * The payment event keeps the trace of the change that caused it: the outbox row stores the
 * traceparent of UpdateTradeState's call, and the relay publishes within it. In a file of its own
 * because it registers the OpenTelemetry globals a process's tracing bootstrap would.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import { PayStatus } from '@looklook/payment-model'
import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { startTestRpc, type TestRpc, uniqueOrderSn } from './helpers.ts'

let rpc: TestRpc

before(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }))
  rpc = await startTestRpc()
})

after(async () => {
  await rpc.close()
  context.disable()
  propagation.disable()
  trace.disable()
})

test('the relay publishes an event within the trace of the call that recorded it', async () => {
  const orderSn = uniqueOrderSn()
  const { sn } = await rpc.client.CreatePayment({ userId: 9, payModel: 'WECHAT_PAY', payTotal: 500, orderSn, serviceType: 'homestayOrder' })
  const traceId = randomBytes(16).toString('hex')
  const caller = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED })
  await context.with(caller, () =>
    rpc.client.UpdateTradeState({
      sn,
      tradeState: 'SUCCESS',
      transactionId: '4200000002202405011234567890',
      tradeType: 'JSAPI',
      tradeStateDesc: '支付成功',
      payStatus: PayStatus.success,
      payTime: 0,
    }),
  )
  const [row] = await rpc.svc.outboxModel.findByPaymentSn(sn)
  assert.match(row?.traceParent ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'the row holds the caller trace')

  // Published from the relay's own loop, which runs outside any request.
  await context.with(ROOT_CONTEXT, () => rpc.svc.relay.runOnce())
  const i = rpc.publisher.sent.findIndex((e) => e.orderSn === orderSn)
  assert.ok(i >= 0, 'published')
  assert.equal(rpc.publisher.traceIds[i], traceId)
})

test('an event recorded without a trace is published without one', async () => {
  const orderSn = uniqueOrderSn()
  await rpc.svc.db.transact((tx) =>
    rpc.svc.outboxModel.add(
      { paymentSn: `PMTNOTRACE${Date.now()}`.slice(0, 25), orderSn, payStatus: PayStatus.success, traceParent: '' },
      tx,
    ),
  )
  await rpc.svc.relay.runOnce()
  const i = rpc.publisher.sent.findIndex((e) => e.orderSn === orderSn)
  assert.ok(i >= 0, 'published')
  assert.equal(rpc.publisher.traceIds[i], '')
})
