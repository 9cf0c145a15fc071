// ./looklook bench's own parsing and arithmetic (scripts/bench/core.ts), not the speed of anything: its
// options, wrk's and redis-benchmark's output, /proc figures, CPU per good answer and baseline ratios.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  errorsByKind,
  isGood,
  type LoadResult,
  parseArgs,
  parseRedisCsv,
  parseWrk,
  quantile,
  ratios,
  renderMarkdown,
  renderTable,
  SCENARIOS,
  statTicks,
  summarize,
  vmRssKiB,
} from '../../scripts/bench/core.ts'

test('options: defaults, lists, scenario prefixes, and clear refusals', () => {
  const d = parseArgs([])
  assert.equal(d.duration, 10)
  assert.equal(d.warmup, 3)
  assert.deepEqual(d.connections, [4])
  assert.deepEqual(d.scenarios, [...SCENARIOS])

  const o = parseArgs(['--duration=5', '--connections', '4,32', 'floor', 'S1-gateway'])
  assert.equal(o.duration, 5)
  assert.deepEqual(o.connections, [4, 32])
  // In run order, whatever the order given; a prefix names every scenario it starts.
  assert.deepEqual(o.scenarios, ['S1-gateway', 'floor-nginx-static', 'floor-nginx-auth', 'floor-fastify', 'floor-grpc', 'floor-redis'])
  assert.deepEqual(parseArgs(['s2']).scenarios, ['S2-user-detail'])

  assert.throws(() => parseArgs(['--duration', '0']), /--duration/)
  assert.throws(() => parseArgs(['--duration', '1000']), /at most 120/)
  assert.throws(() => parseArgs(['--connections', '4,x']), /--connections/)
  assert.throws(() => parseArgs(['--connections', '2.5']), /whole numbers/)
  assert.throws(() => parseArgs(['S9']), /unknown scenario S9/)
  assert.throws(() => parseArgs(['--fast']), /unknown option --fast/)
})

const WRK_OUT = `Running 10s test @ http://127.0.0.1:8888/travel/v1/homestay/homestayDetail
  2 threads and 4 connections
Requests/sec:    765.36
BENCH_RESULT {"requests":1000,"durationUs":2000000,"errors":{"connect":0,"read":3,"write":0,"status":40,"timeout":2},"latencyUs":{"p50":4171,"p90":10708,"p99":34106,"max":56622},"answers":{"200 200":900,"200 100001":20,"503 100001":40,"204 -":5}}
`

test('wrk: good answers are 2xx with envelope code 200; the rest and socket errors are kinds of error', () => {
  const r = parseWrk(WRK_OUT)
  assert.equal(r.requests, 1000)
  assert.equal(r.durationS, 2)
  assert.equal(r.good, 900)
  assert.deepEqual(r.latencyMs, { p50: 4.171, p90: 10.708, p99: 34.106 })
  assert.equal(r.answers['socket read'], 3)
  assert.equal(r.answers['socket timeout'], 2)
  assert.equal(r.answers['socket connect'], undefined)
  assert.equal(errorsByKind(r), '503 100001 ×40, 200 100001 ×20, 204 - ×5, socket read ×3, socket timeout ×2')
  assert.ok(isGood('201 200'))
  assert.ok(!isGood('200 100001'))
  assert.ok(!isGood('500 200'))
  assert.throws(() => parseWrk('Requests/sec: 1\n'), /no BENCH_RESULT/)
})

test('redis-benchmark --csv: rate and latencies, no p90', () => {
  const csv =
    '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n"GET looklook:bench:floor","40000.00","0.070","0.016","0.063","0.111","0.287","1.023"\n'
  const r = parseRedisCsv(csv, 80_000)
  assert.equal(r.durationS, 2)
  assert.equal(r.good, 80_000)
  assert.deepEqual(r.latencyMs, { p50: 0.063, p90: null, p99: 0.287 })
  assert.equal(errorsByKind(r), '-')
  assert.throws(() => parseRedisCsv('ERROR\n', 1), /unexpected redis-benchmark output/)
})

test('/proc: utime+stime+cutime+cstime even when the name holds spaces and parentheses; VmRSS', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3))
  // Fields after the name: 3 state … 14 utime 15 stime 16 cutime 17 cstime (numbered as in proc(5)).
  fields[0] = 'S'
  fields[4 - 3] = '4242'
  fields[14 - 3] = '100'
  fields[15 - 3] = '20'
  fields[16 - 3] = '3'
  fields[17 - 3] = '1'
  const stat = `1234 (nginx: worker (x) 1) ${fields.join(' ')}`
  assert.deepEqual(statTicks(stat), { ticks: 124, ppid: 4242 })
  assert.equal(vmRssKiB('Name:\tnode\nVmPeak:\t 900 kB\nVmRSS:\t  123456 kB\n'), 123456)
  assert.equal(vmRssKiB('Name:\tkthreadd\n'), 0)
})

test('quantile: nearest rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1)
  assert.equal(quantile(xs, 0.5), 50)
  assert.equal(quantile(xs, 0.9), 90)
  assert.equal(quantile(xs, 0.99), 99)
  assert.equal(quantile([7], 0.99), 7)
  assert.equal(quantile([], 0.5), 0)
})

function load(good: number, requests: number, p50: number): LoadResult {
  return {
    requests,
    durationS: 10,
    answers: { '200 200': good, '503 100001': requests - good },
    good,
    latencyMs: { p50, p90: p50 * 2, p99: p50 * 4 },
  }
}

test('CPU per good answer: the processes summed, divided by good answers only', () => {
  const r = summarize('S2-user-detail', 4, load(800, 1000, 5), [
    { name: 'identity-api', cpuMs: 1200, rssBeforeMiB: 120, rssAfterMiB: 130 },
    { name: 'nginx', cpuMs: 400, rssBeforeMiB: 10, rssAfterMiB: 10 },
  ])
  assert.equal(r.reqPerSec, 100)
  assert.equal(r.goodPerSec, 80)
  assert.equal(r.cpuMsTotal, 1600)
  assert.equal(r.cpuMsPerGood, 2)
  assert.deepEqual(
    r.processes.map((p) => [p.name, p.msPerGood]),
    [
      ['identity-api', 1.5],
      ['nginx', 0.5],
    ],
  )
  assert.equal(
    summarize('S2-user-detail', 4, load(0, 10, 5), [{ name: 'x', cpuMs: 5, rssBeforeMiB: 0, rssAfterMiB: 0 }]).cpuMsPerGood,
    null,
  )
})

test('baseline ratios: CPU summed and good answers summed over rounds, p50 averaged', () => {
  const proc = (cpuMs: number) => [{ name: 'all', cpuMs, rssBeforeMiB: 0, rssAfterMiB: 0 }]
  const results = [
    summarize('S1-gateway', 4, load(1000, 1000, 4), proc(2000), { label: 'baseline', round: 1 }),
    summarize('S1-gateway', 4, load(1000, 1000, 6), proc(2000), { label: 'baseline', round: 2 }),
    summarize('S1-gateway', 4, load(1500, 1500, 2), proc(1500), { label: 'current', round: 1 }),
    summarize('S1-gateway', 4, load(500, 500, 3), proc(500), { label: 'current', round: 2 }),
    // Only one side measured: no ratio.
    summarize('floor-redis', 4, load(10, 10, 1), proc(1), { label: 'current', round: 1 }),
  ]
  const [r, ...rest] = ratios(results)
  assert.equal(rest.length, 0)
  assert.equal(r?.baselineCpuMsPerGood, 2)
  assert.equal(r?.currentCpuMsPerGood, 1)
  assert.equal(r?.cpuRatio, 0.5)
  assert.equal(r?.baselineP50, 5)
  assert.equal(r?.currentP50, 2.5)
  assert.equal(r?.p50Ratio, 0.5)
  const table = renderTable(results, ratios(results))
  assert.match(table, /^scenario\s+c\s+side\s+req\/s/)
  assert.match(table, /S1-gateway\s+c=4\s+CPU 2\.000 → 1\.000 ms = 0\.50×/)
  const md = renderMarkdown({ date: 'now' }, results, ratios(results))
  assert.match(md, /\| S1-gateway \| 4 \| 2\.000 \| 1\.000 \| 0\.50 \|/)
  assert.match(md, /\| S1-gateway \| 4 \| baseline#1 \| all \| 2000 \| 2\.000 \| 0 → 0 \|/)
})
