// The board against the real Redis, under a key prefix of its own so other suites' queues stay out of
// sight: configured and discovered queues, the bull-board API, /healthz and the UI page.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, test } from 'node:test'
import { createLogger } from '@looklook/logx'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { type BullBoardConf, createBoard } from '../src/server.ts'

// Redis.KeyPrefix puts BullMQ's keys under <KeyPrefix>bull:, as common/queue's producers do.
const keyPrefix = `looklook-test-${randomUUID().slice(0, 8)}:`
const prefix = `${keyPrefix}bull`
const lines: string[] = []
const log = createLogger({ service: 'bull-board-test', level: 'debug', destination: { write: (s: string) => void lines.push(s) } })
const producerRedis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null })

function conf(queues: Partial<BullBoardConf['Queues']> = {}): BullBoardConf {
  return {
    Name: 'bull-board',
    Host: '127.0.0.1',
    Port: 0,
    Redis: { Host: '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: keyPrefix },
    Queues: { Names: [], DiscoverIntervalMs: 0, Exclude: [], ReadOnly: true, ...queues },
  }
}

after(async () => {
  const keys = await producerRedis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await producerRedis.del(...keys)
  producerRedis.disconnect()
})

interface QueuesReply {
  queues: { name: string; counts: Record<string, number>; readOnlyMode: boolean }[]
}

test('configured queues are on the board before any job; a name BullMQ refuses is logged and skipped', async () => {
  const board = createBoard(conf({ Names: ['order-close', 'bad:name'] }), log)
  try {
    assert.deepEqual(board.queueNames(), ['order-close'])
    assert.ok(lines.some((l) => l.includes('"queue":"bad:name"') && l.includes('queue left off the board')))
    const res = await board.app.inject({ method: 'GET', url: '/api/queues' })
    assert.equal(res.statusCode, 200)
    const body = res.json<QueuesReply>()
    assert.deepEqual(
      body.queues.map((q) => [q.name, q.readOnlyMode]),
      [['order-close', true]],
    )
  } finally {
    await board.close()
  }
})

test('discovery adds queues found in Redis, honours Exclude, and drops a queue once its keys are gone', async () => {
  const producer = new Queue('close-orders', { connection: producerRedis, prefix })
  const hidden = new Queue('test-throwaway', { connection: producerRedis, prefix })
  await producer.add('homestay:order:close', { sn: 'HSO-1' }, { delay: 60_000 })
  await hidden.waitUntilReady()
  await hidden.getVersion()

  const board = createBoard(conf({ Exclude: ['^test-'] }), log)
  try {
    await board.discover()
    assert.deepEqual(board.queueNames(), ['close-orders'])

    const res = await board.app.inject({ method: 'GET', url: '/api/queues' })
    const queue = res.json<QueuesReply>().queues.find((q) => q.name === 'close-orders')
    assert.equal(queue?.counts.delayed, 1)

    await producer.obliterate({ force: true })
    await board.discover()
    assert.deepEqual(board.queueNames(), [])
  } finally {
    await board.close()
    await producer.close()
    await hidden.close()
  }
})

test('/healthz answers 200 while Redis is reachable and 503 when it is not', async () => {
  const board = createBoard(conf(), log)
  try {
    await new Promise<void>((resolve) => board.redis.once('ready', () => resolve()))
    assert.equal((await board.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  } finally {
    await board.close()
  }
  const down = createBoard({ ...conf(), Redis: { Host: '127.0.0.1:1', Pass: '', DB: 0, KeyPrefix: keyPrefix } }, log)
  try {
    const res = await down.app.inject({ method: 'GET', url: '/healthz' })
    assert.equal(res.statusCode, 503)
  } finally {
    await down.close()
  }
})

test('the UI page is served at the root', async () => {
  const board = createBoard(conf(), log)
  try {
    const res = await board.app.inject({ method: 'GET', url: '/' })
    assert.equal(res.statusCode, 200)
    assert.match(res.headers['content-type'] ?? '', /text\/html/)
    assert.match(res.body, /looklook queues/)
  } finally {
    await board.close()
  }
})
