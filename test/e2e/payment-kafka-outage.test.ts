/**
 * A payment that succeeds while Kafka is down (issue 3): payment-api still acknowledges WeChat,
 * payment-rpc records the payment and its event in one transaction, and the outbox relay delivers
 * the event once Kafka is back, so the order still becomes paid and the guest is notified. In a file
 * of its own: it stops the broker every other asynchronous test needs, and always starts it again.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { after, describe, test } from 'node:test'
import { waitFor } from '@looklook/testkit'
import {
  bookableHomestay,
  createOrder,
  looklook,
  messagesFor,
  orderDetail,
  outboxOf,
  paymentsOf,
  ROOT,
  sandboxPay,
  type WxGuest,
  waitForOrderState,
  wxGuest,
  wxPay,
} from './booking-kit.ts'

/**
 * Starts Kafka again. `./looklook up` starts only what is missing, but it also restarts every app
 * that runs with another environment than dev's — under `./looklook test` that would be all of
 * them, mid-suite, with the long close delay. Then only the Kafka step of `up` runs.
 */
function startKafka(): void {
  let env = ''
  try {
    env = readFileSync(`${ROOT}data/run/payment-rpc.env`, 'utf8')
  } catch {
    // not started by ./looklook: `up` decides
  }
  if (env === '' || env.startsWith('dev ')) {
    looklook('up')
    return
  }
  execFileSync('bash', ['-c', 'set -euo pipefail; ROOT=$PWD; source scripts/lib.sh; source scripts/kafka.sh; kafka_up'], {
    cwd: ROOT,
    stdio: 'ignore',
    timeout: 180_000,
  })
}

function kafkaRunning(): boolean {
  return /^kafka\s+up\b/m.test(looklook('status'))
}

// Under ./looklook test the close delay (5 s) runs out while the event waits in the outbox, so this
// also proves order-mq's close job asks payment-rpc before cancelling and completes the paid order.

/**
 * Stops Kafka, books and pays (both work without it), checks that the payment is recorded while the
 * order waits and the event stays in the outbox, then starts Kafka again.
 */
async function payWhileKafkaIsDown(): Promise<{ guest: WxGuest; sn: string; paymentSn: string }> {
  const guest = await wxGuest('kafka')
  const homestay = await bookableHomestay()
  looklook('down', 'kafka')
  assert.equal(kafkaRunning(), false, 'Kafka is stopped')

  // Booking and paying need no Kafka: the close job is a BullMQ job, the payment a row in MySQL.
  const sn = await createOrder(guest.token, homestay.id, 1, 1)
  const params = await wxPay(guest.token, sn)
  const paid = await sandboxPay({ prepayId: params.package })
  assert.deepEqual(
    paid.deliveries.map((d) => d.status),
    [204],
    'WeChat gets its acknowledgement although Kafka is down',
  )
  const [payment] = await paymentsOf(sn)
  assert.ok(payment)
  assert.equal(payment.pay_status, 1, 'the payment is paid at once')

  // For a few seconds the event cannot leave: the order waits, the event stays in the outbox.
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1000))
    assert.equal((await orderDetail(guest.token, sn)).tradeState, 0, `order still wait-pay after ${i + 1} s`)
  }
  const [pending] = await outboxOf(payment.sn)
  assert.equal(pending?.state, 0, 'the event is pending')
  assert.ok((pending?.attempts ?? 0) >= 1, 'delivery was attempted and failed')

  startKafka()
  assert.ok(kafkaRunning(), 'Kafka is back')
  return { guest, sn, paymentSn: payment.sn }
}

describe('Kafka down while a payment succeeds', () => {
  after(() => {
    if (!kafkaRunning()) startKafka()
  })

  test('the payment is recorded at once, and its event is delivered once Kafka is back', { timeout: 300_000 }, async () => {
    const { paymentSn } = await payWhileKafkaIsDown()
    const delivered = await waitFor(async () => (await outboxOf(paymentSn))[0]?.state === 1, { timeoutMs: 60_000, intervalMs: 500 })
    assert.ok(delivered, 'the event left the outbox within 60 s')
  })

  test('the order is paid and the guest notified once Kafka is back', { timeout: 300_000 }, async () => {
    const { guest, sn } = await payWhileKafkaIsDown()
    const order = await waitForOrderState(guest.token, sn, 1, 60_000)
    assert.equal(order.payType, 'WECHAT_PAY')
    const notified = await waitFor(async () => (await messagesFor(guest.openid)).length >= 2, { timeoutMs: 30_000 })
    assert.ok(notified, 'the guest got both subscribe messages')
  })
})
