// Redis restarted under a running stack (`./looklook down redis`, then `./looklook up`): its append-only
// file brings back the sessions and the queued BullMQ jobs, and mqueue-scheduler upserts its job
// schedulers again as soon as its connection is ready — even when Redis came back without them.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { test } from 'node:test'
import { memoryLogger, post, registerUser, waitFor } from '@looklook/testkit'
import { CLOSE_STALE_ORDERS_SCHEDULER, EXPIRE_PAID_ORDERS_SCHEDULER } from '../../app/mqueue/scheduler/src/scheduler.ts'
import { CloseHomestayOrderJob, createJobQueue, HOMESTAY_ORDER_QUEUE, type JobQueue } from '../../common/queue/src/index.ts'

const root = join(import.meta.dirname, '../..')
const redis = { Host: '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: '' }
const SCHEDULERS = [CLOSE_STALE_ORDERS_SCHEDULER, EXPIRE_PAID_ORDERS_SCHEDULER].sort()

function looklook(...args: string[]): string {
  return execFileSync(join(root, 'looklook'), args, { cwd: root, encoding: 'utf8', timeout: 240_000 })
}

async function schedulerIds(queue: JobQueue): Promise<string[]> {
  const found = await queue.queue.getJobSchedulers()
  return found
    .map((s) => s.key)
    .filter((k) => SCHEDULERS.includes(k))
    .sort()
}

function userDetail(token: string) {
  return post<{ userInfo: { mobile: string } }>('/usercenter/v1/user/detail', {}, { token })
}

test('after a Redis restart a session still works, a delayed job is still queued and the job schedulers are back', async () => {
  const { logger } = memoryLogger('redis-restart-test')
  const user = await registerUser()
  const before = await userDetail(user.accessToken)
  assert.equal(before.body.code, 200, before.text)

  const orders = createJobQueue(HOMESTAY_ORDER_QUEUE, { redis, logger, monitor: false })
  // A delayed job of a queue of its own stands for the pending order-close jobs.
  const own = createJobQueue(`test-${randomUUID()}`, { redis, logger, monitor: false })
  try {
    await orders.ready()
    await own.ready()
    const jobId = `close-${randomUUID()}`
    await own.add(CloseHomestayOrderJob, { sn: 'HSO-redis-restart-test' }, { jobId, delay: 3_600_000 })
    assert.deepEqual(await schedulerIds(orders), SCHEDULERS, 'mqueue-scheduler registered both sweeps')

    // Gone before the restart, as if Redis had come back without them: only mqueue-scheduler's upsert
    // on reconnect can bring them back.
    for (const id of SCHEDULERS) await orders.queue.removeJobScheduler(id)
    assert.deepEqual(await schedulerIds(orders), [])

    looklook('down', 'redis')
    looklook('up')

    let last = before
    const back = await waitFor(
      async () => {
        last = await userDetail(user.accessToken).catch(() => last)
        return last.status === 200 && last.body.code === 200
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    )
    assert.ok(back, `the token issued before the restart still works (last: ${last.status} ${last.text})`)
    assert.equal(last.body.data?.userInfo.mobile, user.mobile)

    // The test's own producer connections fail fast while they reconnect, so their reads are retried.
    let state: string | undefined
    await waitFor(
      async () => {
        state = await own.queue
          .getJob(jobId)
          .then((job) => job?.getState() ?? 'missing')
          .catch(() => undefined)
        return state !== undefined
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    )
    assert.equal(state, 'delayed', 'the delayed job survived the restart')

    let ids: string[] = []
    const scheduled = await waitFor(
      async () => {
        ids = await schedulerIds(orders).catch(() => [])
        return ids.length === SCHEDULERS.length
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    )
    assert.ok(scheduled, `mqueue-scheduler registered its sweeps again within 10 s (found: ${ids.join(', ') || 'none'})`)
  } finally {
    // Never leave the stack without its sweeps: a scheduler that did not come back is restarted.
    const left = await waitFor(() => schedulerIds(orders).catch(() => undefined), { timeoutMs: 10_000, intervalMs: 250 })
    if (left?.length !== SCHEDULERS.length) {
      looklook('down', 'mqueue-scheduler')
      looklook('up')
    }
    await own.queue.obliterate({ force: true }).catch(() => undefined)
    await own.close().catch(() => undefined)
    await orders.close().catch(() => undefined)
  }
})
