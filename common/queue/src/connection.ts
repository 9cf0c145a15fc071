import type { TRedisConf } from '@looklook/conf'
import type { RedisOptions } from 'ioredis'

function hostPort(host: string): { host: string; port: number } {
  const i = host.lastIndexOf(':')
  if (i <= 0) return { host, port: 6379 }
  const port = Number(host.slice(i + 1))
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`Redis.Host must be host:port, got ${host}`)
  return { host: host.slice(0, i), port }
}

/**
 * ioredis options for BullMQ from a `Redis` config block. `KeyPrefix` becomes BullMQ's own
 * `prefix` (see {@link bullPrefix}): BullMQ refuses ioredis's keyPrefix.
 *
 * - `worker`: `maxRetriesPerRequest: null`, as the BullMQ docs require for the blocking
 *   connections of workers — commands wait out a Redis restart instead of failing the worker.
 * - otherwise (producers): `enableOfflineQueue: false`, so adding a job while Redis is down fails
 *   at once and the caller (an rpc) reports the error instead of hanging.
 */
export function bullConnection(conf: TRedisConf, kind: 'worker' | 'producer'): RedisOptions {
  const base: RedisOptions = {
    ...hostPort(conf.Host),
    password: conf.Pass || undefined,
    db: conf.DB,
    connectTimeout: 3_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  }
  return kind === 'worker' ? { ...base, maxRetriesPerRequest: null } : { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 }
}

/** BullMQ's key prefix: `bull`, or `<KeyPrefix>bull` when the config sets a prefix. */
export function bullPrefix(conf: TRedisConf): string {
  return `${conf.KeyPrefix}bull`
}
