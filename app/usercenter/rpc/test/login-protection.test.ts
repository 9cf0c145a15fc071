/**
 * The two guards of password login: the bounded hash pool (in process) and the per-mobile failure
 * counter (against the real Redis, keys of its own per test).
 */
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createRedis } from '@looklook/model'
import { CodeError, ErrCode } from '@looklook/xerr'
import { loadUsercenterRpcConf } from '../src/config.ts'
import { HashPool } from '../src/logic/hash-pool.ts'
import { LoginGuard } from '../src/logic/login-guard.ts'

const HASH_MS = 60

/** A call with this much time left and a signal the test can fire. */
function call(msLeft = 2000): { deadline: Date; signal: AbortSignal; abort: () => void } {
  const controller = new AbortController()
  return { deadline: new Date(Date.now() + msLeft), signal: controller.signal, abort: () => controller.abort() }
}

function isBusy(err: unknown): boolean {
  return err instanceof CodeError && err.unavailable && /too many logins at once/.test(err.message)
}

describe('HashPool', () => {
  test('runs at most maxInFlight hashes, queues maxQueue and refuses the rest at once', async () => {
    const pool = new HashPool({ maxInFlight: 2, maxQueue: 2, reserveMs: 0 })
    let running = 0
    let peak = 0
    const hash = async () => {
      peak = Math.max(peak, ++running)
      await sleep(HASH_MS)
      running--
      return 'done'
    }
    const calls = Array.from({ length: 6 }, () => pool.run(call(), hash))
    const order: string[] = []
    const settled = calls.map((p, i) =>
      p.then(
        () => order.push(`ok ${i}`),
        (err: unknown) => order.push(isBusy(err) ? `busy ${i}` : `error ${i}`),
      ),
    )
    await Promise.all(settled)
    assert.equal(peak, 2)
    // The refusals come first: they did not wait for any hash to finish.
    assert.deepEqual(order.slice(0, 2).sort(), ['busy 4', 'busy 5'])
    assert.deepEqual(order.slice(2).sort(), ['ok 0', 'ok 1', 'ok 2', 'ok 3'])
    assert.deepEqual(pool.load, { inFlight: 0, queued: 0 })
  })

  test('a call that could not finish before its deadline is refused before it waits', async () => {
    const pool = new HashPool({ maxInFlight: 1, maxQueue: 10, reserveMs: 50 })
    const first = pool.run(call(), () => sleep(HASH_MS).then(() => 'first'))
    const events: string[] = []
    const late = pool
      .run(call(80), async () => 'late')
      .then(
        () => events.push('late ran'),
        (err: unknown) => events.push(isBusy(err) ? 'late refused' : String(err)),
      )
    await Promise.race([first.then(() => events.push('first done')), late])
    assert.deepEqual(events, ['late refused'], 'refused while the first hash was still running')
    await first
  })

  test('a waiting call whose caller gives up leaves the queue', async () => {
    const pool = new HashPool({ maxInFlight: 1, maxQueue: 10, reserveMs: 0 })
    const first = pool.run(call(), () => sleep(HASH_MS))
    const waiting = call()
    let ran = false
    const second = pool.run(waiting, async () => {
      ran = true
    })
    assert.equal(pool.load.queued, 1)
    waiting.abort()
    await assert.rejects(second, isBusy)
    assert.equal(pool.load.queued, 0)
    await first
    assert.equal(ran, false)
  })
})

describe('LoginGuard', () => {
  const conf = loadUsercenterRpcConf()
  const redis = createRedis(conf.Cache)
  const opts = { maxFailures: 3, windowSeconds: 60, lockSeconds: 60, attemptTtlMs: 4000 }
  const guard = new LoginGuard(redis, opts)
  const mobile = () => `test-${randomInt(0, 2 ** 47)}`
  const used: string[] = []
  const key = () => {
    const m = mobile()
    used.push(m)
    return m
  }

  before(() => redis.ping())
  after(async () => {
    for (const m of used) await redis.del(...LoginGuard.keys(m))
    redis.disconnect()
  })

  async function refusal(p: Promise<unknown>): Promise<CodeError> {
    try {
      await p
    } catch (err) {
      assert.ok(err instanceof CodeError, String(err))
      return err
    }
    assert.fail('expected a refusal')
  }

  test('concurrent attempts beyond the limit are refused before any password is checked', async () => {
    const m = key()
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => guard.admit(m)))
    const admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    assert.equal(admitted.length, opts.maxFailures)
    for (const r of results) {
      if (r.status === 'rejected') {
        assert.ok(r.reason instanceof CodeError)
        assert.equal(r.reason.unavailable, false, "a refusal for this account, not an outage that would open callers' breakers")
      }
    }
    for (const a of admitted) await a.settle(false)
    const locked = await refusal(guard.admit(m))
    assert.equal(locked.code, ErrCode.USER_LOGIN_LOCKED)
    assert.match(locked.message, /locked for 60 seconds/)
    assert.ok((await redis.pttl(LoginGuard.keys(m)[1])) > 0, 'the lock expires by itself')
  })

  test('released attempts do not count; a right password clears the count', async () => {
    const m = key()
    for (let i = 0; i < opts.maxFailures * 2; i++) await (await guard.admit(m)).release()
    for (let i = 0; i < opts.maxFailures - 1; i++) await (await guard.admit(m)).settle(false)
    await (await guard.admit(m)).settle(true)
    assert.equal(await redis.exists(LoginGuard.keys(m)[0]), 0)
    for (let i = 0; i < opts.maxFailures - 1; i++) await (await guard.admit(m)).settle(false)
    await (await guard.admit(m)).settle(false)
    assert.equal((await refusal(guard.admit(m))).code, ErrCode.USER_LOGIN_LOCKED)
  })

  test('an attempt whose process died stops holding its place after attemptTtlMs', async () => {
    const short = new LoginGuard(redis, { ...opts, attemptTtlMs: 100 })
    const m = key()
    for (let i = 0; i < opts.maxFailures; i++) await short.admit(m)
    assert.equal((await refusal(short.admit(m))).code, ErrCode.SERVER_COMMON_ERROR)
    await sleep(150)
    await (await short.admit(m)).release()
  })
})
