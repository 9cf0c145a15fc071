import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { AdaptiveShedder, cgroupQuotaCores, cpuBudgetCores, cpuUsage, type ShedderPromise } from '../src/shedder.ts'

function fakeShedder(cpu: number) {
  const state = { cpu, now: 0 }
  const shedder = new AdaptiveShedder({ cpuUsage: () => state.cpu, now: () => state.now })
  return { shedder, state }
}

/** Admits `n` requests and keeps them in flight; returns the promises. */
function admit(shedder: AdaptiveShedder, n: number): ShedderPromise[] {
  const out: ShedderPromise[] = []
  for (let i = 0; i < n; i++) {
    const p = shedder.allow()
    assert.ok(p, `request ${i} admitted`)
    out.push(p)
  }
  return out
}

test('below the CPU threshold every request passes, however many are in flight', () => {
  const { shedder } = fakeShedder(899)
  const inFlight = admit(shedder, 500)
  // Completions raise the in-flight average; still nothing is shed while the CPU is fine.
  for (const p of inFlight.splice(0, 100)) p.fail()
  for (let i = 0; i < 500; i++) assert.notEqual(shedder.allow(), null)
})

test('above the CPU threshold with many requests in flight, allow() sheds', () => {
  const { shedder, state } = fakeShedder(950)
  const inFlight = admit(shedder, 50)
  // The in-flight average only moves when requests finish; finish a few so it reflects the backlog.
  for (const p of inFlight.splice(0, 10)) p.fail()
  // No history: maxFlight = maxPass 1 × minRt 1000 ms / 100 ms buckets = 10, × overload factor 0.5 = 5.
  assert.equal(shedder.allow(), null, 'shed while 40 are in flight')

  // Cool-off: within a second of the last overload the shedder stays hot even if the CPU reading drops.
  state.cpu = 100
  state.now += 500
  assert.equal(shedder.allow(), null, 'still hot during cool-off')
  state.now += 600
  assert.notEqual(shedder.allow(), null, 'cooled off after 1 s')
})

test('few requests in flight pass even when the CPU is saturated', () => {
  const { shedder } = fakeShedder(1000)
  for (let i = 0; i < 200; i++) {
    const p = shedder.allow()
    assert.ok(p, `sequential request ${i} passes`)
    p.pass()
  }
})

test('the in-flight budget follows measured throughput and latency', () => {
  /** Holds 3 requests in flight with a settled in-flight average, then overloads the CPU and asks once more. */
  function overloadedWithThreeInFlight(history: boolean): ShedderPromise | null {
    const { shedder, state } = fakeShedder(0)
    if (history) {
      // Bucket 0 (100 ms): 50 sequential passes of 1 ms → maxFlight = max(50 × 1 / 100, 1) = 1.
      for (let i = 0; i < 50; i++) {
        const p = shedder.allow()!
        state.now += 1
        p.pass()
      }
    }
    state.now = 100
    admit(shedder, 3)
    // 30 short requests settle the in-flight average near 3 (it only moves on completion).
    for (let i = 0; i < 30; i++) shedder.allow()!.fail()
    state.cpu = 950
    return shedder.allow()
  }
  // CPU 950 of threshold 900 → overload factor 0.5. Without history the budget is 10 × 0.5 = 5 > 3: admitted.
  assert.notEqual(overloadedWithThreeInFlight(false), null)
  // With a measured capacity of 1 in flight the budget is 0.5 < 3: shed.
  assert.equal(overloadedWithThreeInFlight(true), null)
})

test('cpuUsage() samples the process CPU in millicpu', async () => {
  const first = cpuUsage()
  assert.ok(first >= 0 && first <= 1000, `usage ${first}`)
  // Burn CPU for a while and check the smoothed value rises above zero.
  const end = performance.now() + 1200
  let spin = 0
  while (performance.now() < end) {
    spin++
    if (spin % 100_000 === 0) await new Promise((r) => setImmediate(r))
  }
  await new Promise((r) => setTimeout(r, 300))
  const later = cpuUsage()
  assert.ok(later > 0 && later <= 1000, `usage after a busy second: ${later}`)
})

test('the CPU budget is the cgroup quota (v2, then v1), at most the one core of the event loop', () => {
  const files = (entries: Record<string, string>) => (path: string) => entries[path]
  assert.equal(cgroupQuotaCores(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), undefined)
  assert.equal(cgroupQuotaCores(files({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' })), 0.5)
  assert.equal(
    cgroupQuotaCores(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '25000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' })),
    0.25,
  )
  assert.equal(
    cgroupQuotaCores(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' })),
    undefined,
  )
  assert.equal(cgroupQuotaCores(files({})), undefined)
  assert.equal(cpuBudgetCores(files({ '/sys/fs/cgroup/cpu.max': '50000 100000' })), 0.5)
  assert.equal(cpuBudgetCores(files({ '/sys/fs/cgroup/cpu.max': '400000 100000' })), 1)
  assert.equal(cpuBudgetCores(files({})), 1)
})

test("a host busy with other processes does not raise this process's CPU load", async () => {
  cpuUsage()
  // Two other processes burn every core of a 2-core host for 3 s while this one idles; read host-wide,
  // that would be well above 400 millicpu after the smoothing.
  const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'const end = Date.now() + 3000; while (Date.now() < end);']))
  await Promise.all(burners.map((b) => new Promise((r) => b.once('exit', r))))
  const usage = cpuUsage()
  assert.ok(usage < 250, `an idle process reads ${usage} millicpu while its neighbours were busy`)
})
