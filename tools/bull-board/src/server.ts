// The board: bull-board's Fastify adapter over one BullMQ Queue per queue, the configured names plus
// every queue discovered in Redis, and the queue-depth gauge the Prometheus port serves.
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import type { Logger } from '@looklook/logx'
import { registry } from '@looklook/metrics'
import { Queue } from 'bullmq'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { Gauge } from 'prom-client'
import type { BullBoardConf } from './config.ts'

export { type BullBoardConf, BullBoardConfSchema, loadBullBoardConf } from './config.ts'

/** The states a BullMQ job can be in, as `Queue#getJobCounts` names them. */
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const

/** A queue that does not answer within this time is left out of one scrape rather than stalling it. */
const COUNT_TIMEOUT_MS = 2000

const boards = new Set<Map<string, Queue>>()

// One gauge for the process, filled at scrape time from the queues of every live board.
new Gauge({
  name: 'bullmq_queue_jobs',
  help: 'bullmq jobs by queue and state.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset()
    for (const queues of boards) {
      for (const [name, queue] of queues) {
        const counts = await withTimeout(queue.getJobCounts(...JOB_STATES), COUNT_TIMEOUT_MS).catch(() => undefined)
        if (counts === undefined) continue
        for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0)
      }
    }
  },
})

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Turns a literal into a Redis glob pattern that matches only itself. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`)
}

/**
 * The names of the queues under `prefix` in Redis: BullMQ writes `<prefix>:<name>:meta` when a Queue is
 * created, whatever the name holds (colons included).
 */
export async function queueNamesInRedis(redis: Redis, prefix: string): Promise<string[]> {
  const head = `${prefix}:`
  const tail = ':meta'
  const names = new Set<string>()
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globLiteral(head)}*${tail}`, 'COUNT', 1000)
    cursor = next
    for (const key of keys) names.add(key.slice(head.length, -tail.length))
  } while (cursor !== '0')
  return [...names].sort()
}

export interface Board {
  app: FastifyInstance
  redis: Redis
  /** The names on the board, sorted. */
  queueNames(): string[]
  /** One discovery pass: adds the queues found in Redis, drops discovered ones whose keys are gone. */
  discover(): Promise<void>
  /** Listens on `conf.Host:conf.Port` and starts the periodic discovery; resolves with the base URL. */
  listen(): Promise<string>
  close(): Promise<void>
}

function redisOptions(conf: BullBoardConf['Redis']): { host: string; port: number; password?: string; db: number } {
  const colon = conf.Host.lastIndexOf(':')
  const host = colon > 0 ? conf.Host.slice(0, colon) : conf.Host
  const port = colon > 0 ? Number(conf.Host.slice(colon + 1)) : 6379
  return { host, port, db: conf.DB, ...(conf.Pass === '' ? {} : { password: conf.Pass }) }
}

/** Builds the board without listening (tests call `discover()` and `app.inject`). */
export function createBoard(conf: BullBoardConf, log: Logger): Board {
  const { Prefix: prefix, Names: configured, ReadOnly: readOnlyMode } = conf.Queues
  const exclude = conf.Queues.Exclude.map((source) => new RegExp(source))
  // BullMQ refuses ioredis key prefixes (it has its own `prefix`), so Redis.KeyPrefix does not apply here.
  const redis = new Redis(redisOptions(conf.Redis))
  redis.on('error', (err) => log.debug({ err }, 'redis connection error'))

  const queues = new Map<string, Queue>()
  boards.add(queues)
  const serverAdapter = new FastifyAdapter()
  const board = createBullBoard({
    queues: [],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'looklook queues' } },
  })

  const add = (name: string) => {
    if (queues.has(name)) return
    let queue: Queue
    try {
      // skipMetasUpdate: a viewer must not rewrite the meta hash its producers own.
      queue = new Queue(name, { connection: redis, prefix, skipMetasUpdate: true })
    } catch (err) {
      // BullMQ refuses some names (e.g. with a colon); one bad entry must not take the board down.
      log.warn({ err, queue: name }, 'queue left off the board')
      return
    }
    queue.on('error', (err) => log.debug({ err, queue: name }, 'queue error'))
    queues.set(name, queue)
    board.addQueue(new BullMQAdapter(queue, { readOnlyMode }))
  }
  const remove = async (name: string) => {
    const queue = queues.get(name)
    if (!queue) return
    queues.delete(name)
    board.removeQueue(name)
    await queue.close()
  }
  for (const name of configured) add(name)

  const app = Fastify({ logger: false })
  app.get('/healthz', async (_req, reply) => {
    const ok = redis.status === 'ready'
    return reply
      .code(ok ? 200 : 503)
      .type('text/plain')
      .send(ok ? 'OK' : 'Service Unavailable')
  })
  app.register(serverAdapter.registerPlugin())

  const discover = async () => {
    const found = (await queueNamesInRedis(redis, prefix)).filter((name) => !exclude.some((re) => re.test(name)))
    const present = new Set(found)
    for (const name of found) {
      if (!queues.has(name)) log.info({ queue: name }, 'queue discovered')
      add(name)
    }
    for (const name of [...queues.keys()]) {
      if (!present.has(name) && !configured.includes(name)) {
        log.info({ queue: name }, 'queue gone')
        await remove(name)
      }
    }
  }

  let timer: NodeJS.Timeout | undefined
  let scanning: Promise<void> | undefined
  const tick = () => {
    scanning = discover()
      .catch((err: Error) => log.warn({ err }, 'queue discovery failed'))
      .finally(() => {
        scanning = undefined
      })
  }

  return {
    app,
    redis,
    queueNames: () => [...queues.keys()].sort(),
    discover,
    listen: async () => {
      if (conf.Queues.DiscoverIntervalMs > 0) {
        // The first pass before listening, so the board opens complete; Redis being down only delays it.
        tick()
        await scanning
        timer = setInterval(tick, conf.Queues.DiscoverIntervalMs)
      }
      return app.listen({ host: conf.Host, port: conf.Port })
    },
    close: async () => {
      clearInterval(timer)
      await scanning
      await app.close()
      for (const name of [...queues.keys()]) await remove(name)
      boards.delete(queues)
      redis.disconnect()
    },
  }
}
