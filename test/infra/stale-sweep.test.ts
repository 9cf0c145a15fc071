// The close-stale sweep is the safety net behind the per-order close jobs: an unpaid order whose delayed
// close job vanished (e.g. Redis lost it) is still cancelled, by mqueue-scheduler's repeatable
// homestay:order:close-stale job that order-mq's worker runs. Under ./looklook test the sweep runs every
// 2 s for orders 5 s past the 5 s close delay (deploy/local/test.env).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { memoryLogger, registerUser, waitFor } from '@looklook/testkit'
import { TradeState } from '../../app/order/rpc/src/contract.ts'
import { createJobQueue, HOMESTAY_ORDER_QUEUE } from '../../common/queue/src/index.ts'
import { bookableHomestay, CLOSE_DELAY_S, createOrder, orderDetail } from '../e2e/booking-kit.ts'

const redis = { Host: '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: '' }
const GRACE_S = Number(process.env.CLOSE_STALE_ORDERS_GRACE_SECONDS ?? '60')
const EVERY_MS = Number(process.env.CLOSE_STALE_ORDERS_EVERY_MS ?? '60000')

test('an unpaid order whose delayed close job vanished is cancelled by the close-stale sweep', async () => {
  const { logger } = memoryLogger('stale-sweep-test')
  const orders = createJobQueue(HOMESTAY_ORDER_QUEUE, { redis, logger, monitor: false })
  try {
    await orders.ready()
    const user = await registerUser()
    const homestay = await bookableHomestay()
    const sn = await createOrder(user.accessToken, homestay.id)
    const createdAt = Date.now()

    // mqueue-rpc schedules the close job under the order's sn; it disappears before it is due.
    const job = await waitFor(() => orders.queue.getJob(sn), { timeoutMs: 3_000, intervalMs: 100 })
    assert.ok(job, `the close job of ${sn} was scheduled`)
    assert.equal(await job.getState(), 'delayed')
    await job.remove()
    assert.equal(await orders.queue.getJob(sn), undefined)

    // Past the close delay the order is still open: nothing but the sweep is left to close it.
    await sleep(Math.max(0, createdAt + CLOSE_DELAY_S * 1000 + 1_500 - Date.now()))
    assert.equal((await orderDetail(user.accessToken, sn)).tradeState, TradeState.waitPay)

    const dueBy = createdAt + (CLOSE_DELAY_S + GRACE_S) * 1000 + 2 * EVERY_MS + 10_000
    let state: number | undefined
    const closed = await waitFor(
      async () => {
        state = (await orderDetail(user.accessToken, sn)).tradeState
        return state === TradeState.cancelled
      },
      { timeoutMs: Math.max(0, dueBy - Date.now()), intervalMs: 250 },
    )
    assert.ok(closed, `the sweep cancelled ${sn} (last state: ${state})`)
  } finally {
    await orders.close().catch(() => undefined)
  }
})
