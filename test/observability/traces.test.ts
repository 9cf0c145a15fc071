// Jaeger on :16686 (./looklook up) holds the traces the services export over OTLP: a booking is one
// trace across order-api, order-rpc, travel-rpc and mqueue-rpc, and a payment callback's trace goes on
// through Kafka into order-mq and from there into message-mq.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { describeTrace, findTraces, type JaegerTrace, parentOf, services, spansOf, traceById } from './jaeger.ts'
import { createOrder, prepay, sandboxPay, tradeState, wxUser } from './journey.ts'
import { pollUntil } from './support.ts'

// Each service batches spans for up to 5 s before exporting them.
const EXPORT_WAIT_MS = 30_000

function hasAll(trace: JaegerTrace | undefined, wanted: [service: string, operation: string][]): boolean {
  if (trace === undefined) return false
  const spans = spansOf(trace)
  return wanted.every(([service, operation]) => spans.some((s) => s.service === service && s.operationName === operation))
}

test('every traced process reports to Jaeger under its own service name', async () => {
  // A request through the gateway makes usercenter-api and usercenter-rpc export at least one span each.
  await wxUser()
  const names = await pollUntil('usercenter services in Jaeger', EXPORT_WAIT_MS, async () => {
    const found = await services()
    return found.includes('usercenter-api') && found.includes('usercenter-rpc') ? found : undefined
  })
  assert.ok(!names.includes('unknown_service'), `a process exports without a service name: ${names.join(', ')}`)
})

test('one createHomestayOrder through the gateway is one trace across order-api, order-rpc, travel-rpc and mqueue-rpc', async () => {
  const token = await wxUser()
  // The client starts the trace (as a traced mini-program would); nginx forwards traceparent to order-api.
  const traceId = randomBytes(16).toString('hex')
  const rootSpanId = randomBytes(8).toString('hex')
  await createOrder(token, { traceparent: `00-${traceId}-${rootSpanId}-01` })

  const wanted: [string, string][] = [
    ['order-api', '/order/v1/homestayOrder/createHomestayOrder'],
    ['order-api', 'pb.order/createHomestayOrder'],
    ['order-rpc', 'pb.order/createHomestayOrder'],
    ['travel-rpc', 'pb.travel/homestayDetail'],
    ['mqueue-rpc', 'pb.mqueue/aqDeferHomestayOrderClose'],
  ]
  let last: JaegerTrace | undefined
  const trace = await pollUntil(
    'the createHomestayOrder trace',
    EXPORT_WAIT_MS,
    async () => {
      last = await traceById(traceId)
      // identity-api exports on its own schedule: wait for its span too before checking the tree.
      return hasAll(last, [...wanted, ['identity-api', '/identity/v1/verify/token']]) ? last : undefined
    },
    () => `spans so far: ${describeTrace(last)}`,
  )

  // One connected tree under the client's span. nginx passes traceparent to the auth_request too, so
  // identity-api's token check hangs off the client's span beside order-api's request span.
  const spans = spansOf(trace)
  const ids = new Set(spans.map((s) => s.spanID))
  const entries = spans.filter((s) => parentOf(s) === rootSpanId)
  assert.deepEqual(entries.map((s) => `${s.service} ${s.operationName}`).sort(), [
    'identity-api /identity/v1/verify/token',
    `order-api ${wanted[0]?.[1]}`,
  ])
  for (const s of spans) {
    if (entries.includes(s)) continue
    const parent = parentOf(s)
    assert.ok(parent !== undefined && ids.has(parent), `${s.service} ${s.operationName} is not connected to the trace`)
  }
  // Each rpc server span is the child of the matching client span in its caller.
  for (const [service, operation] of wanted.slice(2)) {
    const server = spans.find((s) => s.service === service && s.operationName === operation)
    const client = spans.find((s) => s.spanID === (server && parentOf(server)))
    assert.equal(client?.operationName, operation, `${service}: parent of its server span`)
    assert.notEqual(client?.service, service, `${service}: the client span is in the caller`)
  }
})

/** One payment, shared by the two tests below: the sandbox pays and notifies payment-api between `from` and `to`. */
interface Payment {
  from: number
  to: number
}
let payment: Promise<Payment> | undefined

function pay(): Promise<Payment> {
  payment ??= (async () => {
    const token = await wxUser()
    const sn = await createOrder(token)
    const prepayPackage = await prepay(token, sn)
    const from = Date.now()
    const deliveries = await sandboxPay(prepayPackage)
    const to = Date.now()
    assert.deepEqual(
      deliveries.map((d) => d.status),
      [204],
      `payment-api answered the notification: ${JSON.stringify(deliveries)}`,
    )
    // The business outcome first, so a tracing failure is not mistaken for a payment failure.
    await pollUntil('the order is paid', 20_000, async () => ((await tradeState(token, sn)) === 1 ? true : undefined))
    return { from, to }
  })()
  return payment
}

/** Waits for a trace with a `service`/`operation` span started in the payment's window that holds every `wanted` span. */
async function traceThrough(service: string, operation: string, wanted: [string, string][], { from, to }: Payment): Promise<void> {
  let candidates: JaegerTrace[] = []
  await pollUntil(
    `a trace from ${service} ${operation} holding ${wanted.length} spans`,
    EXPORT_WAIT_MS,
    async () => {
      // The relay and the consumers act within seconds of the notification.
      const found = await findTraces(service, operation, from - 1000, to + 15_000)
      candidates = await Promise.all(found.map(async (t) => (await traceById(t.traceID)) ?? t))
      return candidates.some((t) => hasAll(t, wanted)) ? true : undefined
    },
    () =>
      `traces: ${candidates.length}; ${candidates.map((t) => `[${describeTrace(t)}]`).join(' ')}; ` +
      `missing from the fullest: ${JSON.stringify(missing(candidates, wanted))}`,
  )
}

/** From the payment event on: mqueue-rpc produces it, order-mq consumes it and has message-mq notify the user. */
const KAFKA_LEG: [string, string][] = [
  ['mqueue-rpc', 'pb.mqueue/kqPaymenStatusUpdate'],
  ['mqueue-rpc', 'payment-update-paystatus-topic publish'],
  ['order-mq', 'payment-update-paystatus-topic process'],
  ['order-rpc', 'pb.order/updateHomestayOrderTradeState'],
  ['mqueue-rpc', 'pb.mqueue/sendWxMiniSubMessage'],
  ['mqueue-rpc', 'send-wx-mini-tpl-message publish'],
  ['message-mq', 'send-wx-mini-tpl-message process'],
]

test("a payment event's trace goes from mqueue-rpc through Kafka into order-mq and on into message-mq", async () => {
  await traceThrough('mqueue-rpc', 'pb.mqueue/kqPaymenStatusUpdate', KAFKA_LEG, await pay())
})

test("a payment callback's trace continues through Kafka into order-mq and on into message-mq", async () => {
  const wanted: [string, string][] = [
    ['payment-api', '/payment/v1/thirdPayment/thirdPaymentWxPayCallback'],
    ['payment-rpc', 'pb.payment/UpdateTradeState'],
    ...KAFKA_LEG,
  ]
  // The callback's trace starts at payment-api: WeChat sends no trace context. payment-rpc's outbox row
  // carries it to the relay that hands the event to mqueue-rpc.
  await traceThrough('payment-api', '/payment/v1/thirdPayment/thirdPaymentWxPayCallback', wanted, await pay())
})

/** What the candidate with the most of `wanted` still lacks, to say where the trace broke off. */
function missing(candidates: JaegerTrace[], wanted: [string, string][]): [string, string][] {
  let best: [string, string][] = wanted
  for (const t of candidates) {
    const spans = spansOf(t)
    const lacks = wanted.filter(([svc, op]) => !spans.some((s) => s.service === svc && s.operationName === op))
    if (lacks.length < best.length) best = lacks
  }
  return best
}
