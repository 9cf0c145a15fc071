/**
 * The Redis client every process builds from its `Redis`/`Cache` config block.
 */

import { createRequire } from 'node:module'
import type { TRedisConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import type * as IORedis from 'ioredis'
import type { Command, Redis, RedisOptions } from 'ioredis'
import { endSpan, redisSpan } from './spans.ts'

// The client library is loaded with the first client, as the MySQL driver is (sql.ts).
const require = createRequire(import.meta.url)
let ioredis: typeof IORedis | undefined

export type { Redis, RedisOptions }

/** Options for {@link createRedis}. */
export interface CreateRedisOptions {
  /** Receives one line when the connection is lost and one when it is back (not one per retry). */
  log?: Logger
  /** ioredis options that override the defaults, e.g. `{ maxRetriesPerRequest: null }` for BullMQ workers. */
  options?: RedisOptions
}

/**
 * Opens an ioredis client for `Host` ("host:port"), `Pass`, `DB` and `KeyPrefix`.
 *
 * Defaults favour failing fast, as go-zero does: while Redis is unreachable a command is retried
 * over one reconnect attempt and then rejected, instead of queueing for ever — callers see an
 * error within a fraction of a second and the model layer never falls through to the database.
 * Reconnection itself continues in the background (backoff capped at 2 s).
 *
 * Every command sent while a request is being traced gets a client span `redis <COMMAND>`
 * (pipelines and MULTI one per command), which names the command and never a key or a value.
 */
export function createRedis(conf: TRedisConf, opts: CreateRedisOptions = {}): Redis {
  const { host, port } = parseHost(conf.Host)
  ioredis ??= require('ioredis') as typeof IORedis
  const redis = new ioredis.Redis({
    host,
    port,
    password: conf.Pass || undefined,
    db: conf.DB,
    keyPrefix: conf.KeyPrefix || undefined,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...opts.options,
  })
  traceCommands(redis, { namespace: String(conf.DB), address: host, port })
  let down = false
  // Without an 'error' listener ioredis prints every failed reconnect to stderr; log transitions only.
  redis.on('error', (err: Error) => {
    if (down) return
    down = true
    opts.log?.error({ err, host: conf.Host }, 'redis connection error')
  })
  redis.on('ready', () => {
    if (!down) return
    down = false
    opts.log?.info({ host: conf.Host }, 'redis connection restored')
  })
  return redis
}

const TRACED = Symbol('looklook.traced')

/**
 * Wraps the client's `sendCommand`, the one method every command, pipeline and transaction goes
 * through (as @opentelemetry/instrumentation-ioredis does, without its module hooks and without
 * recording keys in `db.statement`). A command replayed from the offline queue after a reconnect
 * passes here again and keeps its first span.
 */
function traceCommands(redis: Redis, peer: { namespace: string; address: string; port: number }): void {
  const send = redis.sendCommand.bind(redis)
  redis.sendCommand = (command: Command & { [TRACED]?: true }, stream?: Parameters<Redis['sendCommand']>[1]) => {
    const span = command[TRACED] ? undefined : redisSpan(peer, command.name)
    if (span !== undefined) {
      command[TRACED] = true
      command.promise.then(
        () => endSpan(span),
        (err: unknown) => endSpan(span, err),
      )
    }
    return send(command, stream)
  }
}

function parseHost(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':')
  if (i <= 0) return { host: hostPort, port: 6379 }
  const port = Number(hostPort.slice(i + 1))
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`Redis.Host must be host:port, got ${hostPort}`)
  return { host: hostPort.slice(0, i), port }
}
