// Redis as ./looklook up leaves it: reachable on 6379 and never evicting (BullMQ loses jobs otherwise).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { Redis } from 'ioredis'

test('redis answers and its maxmemory-policy is noeviction', async () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  const key = `infra-test:${randomBytes(6).toString('hex')}`
  try {
    assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction'])
    await redis.set(key, 'v', 'EX', 60)
    assert.equal(await redis.get(key), 'v')
  } finally {
    await redis.del(key)
    redis.disconnect()
  }
})
