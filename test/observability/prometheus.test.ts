// The Prometheus that ./looklook up runs on :9090: one job per discovered process, every target up,
// go-zero's metric names arriving with their labels, queue depth and consumer lag.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { post } from '@looklook/testkit'
import { createOrder, prepay, sandboxPay, wxUser } from './journey.ts'
import { discoveredProcesses, getJson, PROMETHEUS, pollUntil } from './support.ts'

interface Target {
  labels: { job: string; instance: string }
  scrapeUrl: string
  health: 'up' | 'down' | 'unknown'
  lastError: string
}

interface Sample {
  metric: Record<string, string>
  value: [number, string]
}

async function targets(): Promise<Target[]> {
  return (await getJson<{ data: { activeTargets: Target[] } }>(`${PROMETHEUS}/api/v1/targets`)).data.activeTargets
}

async function query(promql: string): Promise<Sample[]> {
  const url = `${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(promql)}`
  return (await getJson<{ data: { result: Sample[] } }>(url)).data.result
}

test('every discovered process with a metrics port is a scrape job of its own name, and every target is up', async () => {
  const processes = (await discoveredProcesses()).filter((p) => p.metrics !== undefined)
  assert.ok(processes.length > 0, 'no process with a Prometheus port was discovered')

  let last: Target[] = []
  // A freshly (re)started process is scraped within one 5 s interval; allow a few.
  await pollUntil(
    'all targets up',
    30_000,
    async () => {
      last = await targets()
      return last.length > 0 && last.every((t) => t.health === 'up') ? true : undefined
    },
    () => `not up: ${JSON.stringify(last.filter((t) => t.health !== 'up').map((t) => [t.labels.job, t.health, t.lastError]))}`,
  )

  const byJob = new Map(last.map((t) => [t.labels.job, t]))
  for (const p of processes) {
    const target = byJob.get(p.name)
    assert.ok(target, `${p.name} is not a Prometheus target`)
    assert.equal(target.scrapeUrl, `http://${p.metrics}${p.metricsPath}`, `${p.name}: scrape URL`)
  }
  // Besides the processes: Prometheus itself and the own metrics of Jaeger and the dtm server, nothing
  // stale from removed processes.
  assert.deepEqual([...byJob.keys()].sort(), [...processes.map((p) => p.name), 'dtm', 'jaeger', 'prometheus'].sort())
})

test('a request through the gateway shows up under go-zero names with path, method and code labels', async () => {
  // An unauthenticated public route: the login of a mobile that does not exist answers a business error.
  const res = await post('/usercenter/v1/user/login', { mobile: '19900000000', password: 'not-a-user-1' })
  assert.equal(res.status, 400, res.text)

  const series = await pollUntil('usercenter-api request counter scraped', 20_000, async () => {
    const found = await query(
      'http_server_requests_duration_ms_count{job="usercenter-api",path="/usercenter/v1/user/login",method="POST",code="400"}',
    )
    return found.length > 0 ? found : undefined
  })
  assert.ok(Number(series[0]?.value[1]) >= 1)

  // The rpc server side of the same call: usercenter-rpc counts it by gRPC method, with the business
  // error's status (FAILED_PRECONDITION, 9) as code.
  const rpc = await pollUntil('usercenter-rpc login counter scraped', 20_000, async () => {
    const found = await query('rpc_server_requests_code_total{job="usercenter-rpc",method="/pb.usercenter/login",code="9"}')
    return found.length > 0 ? found : undefined
  })
  assert.ok(Number(rpc[0]?.value[1]) >= 1)
})

test('the order queue depth (BullMQ) is scraped, reported by exactly one process', async () => {
  const series = await pollUntil('bullmq_queue_depth scraped', 20_000, async () => {
    const found = await query('bullmq_queue_depth{queue="homestay-order"}')
    return found.length > 0 ? found : undefined
  })
  const states = new Set(series.map((s) => s.metric.state))
  for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed']) assert.ok(states.has(state), `state ${state}`)
  // Two reporters would make every sum over the queue count it twice.
  assert.equal(new Set(series.map((s) => s.metric.job)).size, 1, `jobs: ${series.map((s) => s.metric.job).join(', ')}`)
})

test('Kafka consumer lag is scraped from the consumers', async () => {
  // The gauge is set once a consumer has finished a message: one payment feeds both topics.
  const token = await wxUser()
  const deliveries = await sandboxPay(await prepay(token, await createOrder(token)))
  assert.deepEqual(
    deliveries.map((d) => d.status),
    [204],
  )
  const series = await pollUntil('kafka_consumer_lag scraped', 20_000, async () => {
    const found = await query('kafka_consumer_lag')
    const jobs = new Set(found.map((s) => s.metric.job))
    return jobs.has('order-mq') && jobs.has('message-mq') ? found : undefined
  })
  const topics = new Set(series.map((s) => s.metric.topic))
  for (const topic of ['payment-update-paystatus-topic', 'send-wx-mini-tpl-message']) assert.ok(topics.has(topic), `topic ${topic}`)
})

test("every app runs with V8's young generation capped at 4 MiB per semi-space, as its metrics show", async () => {
  const processes = (await discoveredProcesses()).filter((p) => p.metrics !== undefined)
  assert.ok(processes.length > 0, 'no process with a Prometheus port was discovered')
  const uncapped: string[] = []
  for (const p of processes) {
    const res = await fetch(`http://${p.metrics}${p.metricsPath}`, { signal: AbortSignal.timeout(10_000) })
    const body = await res.text()
    const line = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(body)
    // Two semi-spaces of at most 4 MiB; Node's default lets them grow to 64 MiB each (16+ right after start).
    if (!line) uncapped.push(`${p.name}: no new-space size in its metrics`)
    else if (Number(line[1]) > 8 * 1024 * 1024) uncapped.push(`${p.name}: new space ${Number(line[1]) / 1024 / 1024} MiB`)
  }
  assert.deepEqual(uncapped, [])
})
