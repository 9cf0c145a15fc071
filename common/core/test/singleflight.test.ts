import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SingleFlight } from '../src/singleflight.ts'

test('concurrent calls on one key share a single execution', async () => {
  const sf = new SingleFlight()
  let runs = 0
  let release: (v: number) => void = () => {}
  const gate = new Promise<number>((resolve) => {
    release = resolve
  })
  const calls = Array.from({ length: 50 }, () =>
    sf.do('k', async () => {
      runs++
      return gate
    }),
  )
  assert.equal(sf.size, 1)
  release(42)
  const results = await Promise.all(calls)
  assert.equal(runs, 1)
  assert.deepEqual(new Set(results), new Set([42]))
  assert.equal(sf.size, 0)
})

test('different keys run independently', async () => {
  const sf = new SingleFlight()
  const seen: string[] = []
  const [a, b] = await Promise.all([
    sf.do('a', async () => {
      seen.push('a')
      return 1
    }),
    sf.do('b', async () => {
      seen.push('b')
      return 2
    }),
  ])
  assert.equal(a, 1)
  assert.equal(b, 2)
  assert.deepEqual(seen.sort(), ['a', 'b'])
})

test('a rejection reaches every waiter and frees the key for the next call', async () => {
  const sf = new SingleFlight()
  let runs = 0
  const failing = () =>
    sf.do('k', async () => {
      runs++
      await new Promise((r) => setTimeout(r, 5))
      throw new Error('boom')
    })
  const results = await Promise.allSettled([failing(), failing(), failing()])
  assert.equal(runs, 1)
  for (const r of results) {
    assert.equal(r.status, 'rejected')
    assert.equal((r as PromiseRejectedResult).reason.message, 'boom')
  }
  // After the flight settles, a new call executes again instead of reusing the failure.
  const value = await sf.do('k', async () => {
    runs++
    return 'fresh'
  })
  assert.equal(value, 'fresh')
  assert.equal(runs, 2)
})

test('a synchronous throw inside fn becomes a rejection and does not leak the key', async () => {
  const sf = new SingleFlight()
  await assert.rejects(
    sf.do('k', () => {
      throw new Error('sync')
    }),
    /sync/,
  )
  assert.equal(sf.size, 0)
})
