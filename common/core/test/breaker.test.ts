import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BreakerOpenError, GoogleBreaker } from '../src/breaker.ts'

/** A breaker on a fake clock; `random` is settable so drop decisions are deterministic. */
function fakeBreaker(random = () => 0) {
  const clock = { now: 0, random }
  const breaker = new GoogleBreaker({ now: () => clock.now, random: () => clock.random() })
  return { breaker, clock }
}

function record(breaker: GoogleBreaker, ok: boolean): boolean {
  const p = breaker.allow()
  if (!p) return false
  if (ok) p.accept()
  else p.reject()
  return true
}

test('low traffic is protected: the first failures are never dropped', () => {
  const { breaker } = fakeBreaker()
  // protection = 5: dropRatio = (total − 5 − k·accepts)/(total+1) stays ≤ 0 for total ≤ 5.
  for (let i = 0; i < 6; i++) assert.equal(record(breaker, false), true, `call ${i} passed`)
})

test('failures open the breaker; successes keep it closed', () => {
  const healthy = fakeBreaker().breaker
  for (let i = 0; i < 200; i++) assert.equal(record(healthy, true), true)

  const { breaker, clock } = fakeBreaker()
  let dropped = 0
  for (let i = 0; i < 100; i++) {
    clock.now += 1
    if (!record(breaker, false)) dropped++
  }
  // random() = 0 drops whenever the ratio is positive, except the once-a-second forced probe.
  assert.ok(dropped >= 90, `dropped ${dropped} of 100`)
})

test('drop ratio follows the SRE formula', () => {
  // 10 failures: ratio = (10 − 5 − 1.5·0)/(10 + 1) ≈ 0.4545; a draw below it drops, above it passes.
  const { breaker, clock } = fakeBreaker(() => 0.99)
  for (let i = 0; i < 10; i++) assert.ok(record(breaker, false))
  clock.random = () => 0.46
  assert.notEqual(breaker.allow(), null)
  clock.random = () => 0.45
  assert.equal(breaker.allow(), null)
})

test('consecutive failing buckets lower the weight of accepts towards 1.1', () => {
  const { breaker, clock } = fakeBreaker(() => 0.999)
  for (let i = 0; i < 20; i++) assert.ok(record(breaker, true))
  // One failure in each of the next 20 buckets (250 ms each): failingBuckets = 20.
  for (let j = 1; j <= 20; j++) {
    clock.now = 250 * j
    assert.ok(record(breaker, false))
  }
  // w = 1.5 − 0.4·20/40 = 1.3 → ratio = (40 − 5 − 1.3·20)/41 ≈ 0.2195 (with a fixed k = 1.5 it would be ≈ 0.122).
  clock.random = () => 0.225
  assert.notEqual(breaker.allow(), null)
  clock.random = () => 0.2
  assert.equal(breaker.allow(), null)
})

test('a forced probe passes once a second even at drop ratio ~1', () => {
  const { breaker, clock } = fakeBreaker(() => 0.5)
  for (let i = 0; i < 40; i++) record(breaker, false)
  // Ratio ≈ (40−5)/41 ≈ 0.85 > 0.5, so the next call drops … unless a pass happened > 1 s ago.
  clock.random = () => 0
  assert.equal(breaker.allow(), null)
  clock.random = () => 0.99
  assert.ok(record(breaker, false), 'a lucky draw passes and stamps lastPass')
  clock.random = () => 0
  clock.now += 500
  assert.equal(breaker.allow(), null, 'within a second of the last pass: dropped')
  clock.now += 600
  assert.notEqual(breaker.allow(), null, 'over a second since the last pass: forced through')
  assert.equal(breaker.allow(), null, 'only one probe per second')
})

test('closes after the dependency recovers: drops stop within the window', () => {
  const { breaker, clock } = fakeBreaker(Math.random)
  let healthy = false
  const dropsPerSecond: number[] = []
  // 100 calls a second: 3 s of failures, then recovery; measure drops per simulated second.
  for (let second = 0; second < 20; second++) {
    if (second === 3) healthy = true
    let drops = 0
    for (let i = 0; i < 100; i++) {
      clock.now += 10
      if (!record(breaker, healthy)) drops++
    }
    dropsPerSecond.push(drops)
  }
  assert.ok(dropsPerSecond[2]! > 50, `open while failing: ${dropsPerSecond.join(',')}`)
  assert.ok(dropsPerSecond[8]! < dropsPerSecond[3]!, `drops decline once calls succeed: ${dropsPerSecond.join(',')}`)
  // Failures leave the 10 s window at second 13; the drops of early recovery leave it by ~second 15
  // (a 300-run simulation never saw a drop after second 14).
  assert.deepEqual(dropsPerSecond.slice(16), [0, 0, 0, 0], `closed after recovery: ${dropsPerSecond.join(',')}`)
})

test('old buckets leave the window', () => {
  const { breaker, clock } = fakeBreaker()
  for (let i = 0; i < 50; i++) record(breaker, false)
  assert.equal(breaker.allow(), null)
  clock.now += 10_001
  assert.notEqual(breaker.allow(), null, 'a fresh window starts closed')
})

test('run(): business errors count as success, failures as failure, drops throw BreakerOpenError', async () => {
  const { breaker, clock } = fakeBreaker()
  const isFailure = (err: unknown) => err instanceof Error && err.message === 'infra'
  for (let i = 0; i < 50; i++) {
    clock.now += 1
    await breaker.run(() => Promise.reject(new Error('business')), isFailure).catch(() => undefined)
  }
  assert.equal(await breaker.run(() => Promise.resolve('ok'), isFailure), 'ok', 'business errors kept it closed')

  let calls = 0
  const errors: unknown[] = []
  for (let i = 0; i < 50; i++) {
    clock.now += 1
    await breaker
      .run(() => {
        calls++
        return Promise.reject(new Error('infra'))
      }, isFailure)
      .catch((err: unknown) => errors.push(err))
  }
  const open = errors.filter((e) => e instanceof BreakerOpenError)
  assert.ok(open.length > 0, 'some calls were dropped')
  assert.equal(calls + open.length, 50, 'dropped calls never ran')
  assert.equal((open[0] as Error).message, 'circuit breaker is open')
})

test('a promise settles once', () => {
  const { breaker } = fakeBreaker()
  const p = breaker.allow()!
  p.reject()
  for (let i = 0; i < 20; i++) p.accept()
  // Had the accepts counted, 20 successes would outweigh anything; one failure + protection keeps it passing either way,
  // so check through the ratio: 6 more failures must now start dropping (total 7 − 5 − 0 > 0).
  for (let i = 0; i < 6; i++) record(breaker, false)
  assert.equal(breaker.allow(), null)
})

test('a resource that is back is at full success once two probes spanning 500 ms succeeded', () => {
  const { breaker, clock } = fakeBreaker()
  // 10 s of outage at 100 calls/s: the window is all failures and drops.
  for (let t = 0; t < 10_000; t += 10) {
    clock.now = t
    record(breaker, false)
  }
  clock.now = 10_000
  assert.equal(breaker.allow(), null, 'still open right after the outage')
  // The dependency is back: random() = 0 drops everything but the forced once-a-second probe.
  let passedAt: number[] = []
  for (let t = 10_010; t < 13_000; t += 10) {
    clock.now = t
    if (record(breaker, true)) passedAt.push(t)
  }
  const firstFull = passedAt.findIndex((t, i) => i > 0 && passedAt[i + 1] === t + 10 && passedAt[i + 2] === t + 20)
  assert.ok(firstFull > 0, `passes resumed in full (passed at ${passedAt.slice(0, 6).join(', ')}…)`)
  const closedAt = passedAt[firstFull]!
  assert.ok(closedAt - 10_000 <= 2_600, `closed ${closedAt - 10_000} ms after the outage ended`)
  // Every call after that passes.
  assert.equal(passedAt.at(-1), 12_990)
  assert.equal(passedAt.length - firstFull, (12_990 - closedAt) / 10 + 1)
  passedAt = []
})

test('a failure during the recovery run keeps the old window in force', () => {
  const { breaker, clock } = fakeBreaker()
  for (let t = 0; t < 5_000; t += 10) {
    clock.now = t
    record(breaker, false)
  }
  // Two successful probes a second apart, then a failing one: the breaker must not stay closed.
  clock.now = 6_100
  assert.ok(record(breaker, true))
  clock.now = 7_200
  assert.ok(record(breaker, false))
  clock.now = 7_210
  assert.equal(breaker.allow(), null, 'the run since the last failure is too short')
})
