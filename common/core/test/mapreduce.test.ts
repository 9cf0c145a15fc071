import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { finish, mapConcurrent, mapReduce } from '../src/mapreduce.ts'

test('mapConcurrent keeps input order even when later items finish first', async () => {
  const delays = [40, 5, 25, 1, 15]
  const out = await mapConcurrent(delays, 5, async (ms, i) => {
    await sleep(ms)
    return `${i}:${ms}`
  })
  assert.deepEqual(out, ['0:40', '1:5', '2:25', '3:1', '4:15'])
})

test('mapConcurrent never runs more than `workers` calls at once', async () => {
  let active = 0
  let peak = 0
  const out = await mapConcurrent(
    Array.from({ length: 20 }, (_, i) => i),
    3,
    async (n) => {
      active++
      peak = Math.max(peak, active)
      await sleep(5)
      active--
      return n * 2
    },
  )
  assert.equal(peak, 3)
  assert.equal(out.length, 20)
  assert.equal(out[19], 38)
})

test('the first error rejects, aborts running calls and starts no more items', async () => {
  const started: number[] = []
  let abortedSeen = 0
  const boom = new Error('item 2 failed')
  await assert.rejects(
    mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 3, async (n, _i, signal) => {
      started.push(n)
      if (n === 2) {
        await sleep(5)
        throw boom
      }
      // Long work that gives up as soon as a sibling failed.
      await sleep(1000, undefined, { signal }).catch(() => {
        abortedSeen++
      })
      return n
    }),
    (err) => err === boom,
  )
  assert.deepEqual(
    started.sort((x, y) => x - y),
    [0, 1, 2],
  )
  assert.equal(abortedSeen, 2)
})

test('the call settles only after in-flight work finished', async () => {
  let finished = false
  await assert.rejects(
    mapConcurrent([0, 1], 2, async (n) => {
      if (n === 0) throw new Error('fast failure')
      await sleep(30)
      finished = true
      return n
    }),
    /fast failure/,
  )
  assert.equal(finished, true)
})

test('mapReduce drops undefined values and reduces the rest in order', async () => {
  const total = await mapReduce(
    [1, 2, 3, 4, 5, 6],
    async (n) => (n % 2 === 0 ? undefined : n * 10),
    (values) => values.join(','),
    { workers: 2 },
  )
  assert.equal(total, '10,30,50')
})

test('mapConcurrent of nothing is an empty list', async () => {
  assert.deepEqual(await mapConcurrent([], 4, async (n: number) => n), [])
})

test('finish returns each result in position and fails on the first error', async () => {
  const [a, b] = await finish(
    async () => 'text',
    async () => {
      await sleep(5)
      return 7
    },
  )
  assert.equal(a, 'text')
  assert.equal(b, 7)

  let sawAbort = false
  await assert.rejects(
    finish(
      async () => {
        throw new Error('first failed')
      },
      async (signal) => {
        await sleep(1000, undefined, { signal }).catch(() => {
          sawAbort = signal.aborted
        })
      },
    ),
    /first failed/,
  )
  assert.equal(sawAbort, true)
})
