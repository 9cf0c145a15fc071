// The board: bull-board's Fastify adapter over one BullMQ Queue per queue, the configured names plus
// every queue discovered in Redis. Queue depth is not measured here: the producers export
// bullmq_queue_depth (common/queue), so a queue is counted once.
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import type { Logger } from '@looklook/logx'
import { bullConnection, bullPrefix } from '@looklook/queue'
import { Queue } from 'bullmq'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import type { BullBoardConf } from './config.ts'

export { type BullBoardConf, BullBoardConfSchema, loadBullBoardConf } from './config.ts'

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

/** Builds the board without listening (tests call `discover()` and `app.inject`). */
export function createBoard(conf: BullBoardConf, log: Logger): Board {
  const { Names: configured, ReadOnly: readOnlyMode } = conf.Queues
  const exclude = conf.Queues.Exclude.map((source) => new RegExp(source))
  // The producers' key prefix and connection settings (a command fails after one reconnect attempt, so a
  // board over an unreachable Redis answers with errors instead of hanging), except that commands issued
  // while connecting are queued: the first discovery runs right at start.
  const prefix = bullPrefix(conf.Redis)
  const redis = new Redis({ ...bullConnection(conf.Redis, 'producer'), enableOfflineQueue: true })
  redis.on('error', (err) => log.debug({ err }, 'redis connection error'))

  const queues = new Map<string, Queue>()
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
      redis.disconnect()
    },
  }
}
