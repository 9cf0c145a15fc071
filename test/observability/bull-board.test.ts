// The bull-board that ./looklook up runs on :8980 answers and shows the order domain's close queue.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createOrder, wxUser } from './journey.ts'
import { BULL_BOARD, getJson } from './support.ts'

test('bull-board answers /healthz and serves its UI', async () => {
  const health = await fetch(`${BULL_BOARD}/healthz`, { signal: AbortSignal.timeout(5000) })
  assert.equal(health.status, 200)
  assert.equal(await health.text(), 'OK')

  const page = await fetch(`${BULL_BOARD}/`, { signal: AbortSignal.timeout(5000) })
  assert.equal(page.status, 200)
  assert.match(page.headers.get('content-type') ?? '', /text\/html/)
  assert.match(await page.text(), /looklook queues/)
})

test("bull-board lists the order close queue, holding a new order's delayed close job", async () => {
  const token = await wxUser()
  const sn = await createOrder(token)

  const { queues } = await getJson<{ queues: { name: string; counts: Record<string, number> }[] }>(`${BULL_BOARD}/api/queues`)
  assert.ok(queues.length > 0, 'no queue on the board')
  // mqueue-rpc schedules the close with the order sn as job id; the queue holding it is the close queue.
  const holding: { queue: string; status: string; name: string }[] = []
  for (const q of queues) {
    const res = await fetch(`${BULL_BOARD}/api/queues/${encodeURIComponent(q.name)}/${encodeURIComponent(sn)}`, {
      signal: AbortSignal.timeout(5000),
    })
    if (res.status !== 200) {
      await res.body?.cancel()
      continue
    }
    const { job, status } = (await res.json()) as { job: { name: string }; status: string }
    holding.push({ queue: q.name, status, name: job.name })
  }
  assert.equal(holding.length, 1, `queues holding job ${sn}: ${JSON.stringify(holding)} (board: ${queues.map((q) => q.name).join(', ')})`)
  assert.deepEqual({ status: holding[0]?.status, name: holding[0]?.name }, { status: 'delayed', name: 'homestay:order:close' })
  const close = queues.find((q) => q.name === holding[0]?.queue)
  assert.ok((close?.counts.delayed ?? 0) >= 1, `counts: ${JSON.stringify(close?.counts)}`)
})
