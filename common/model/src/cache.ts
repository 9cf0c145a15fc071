/**
 * The Redis read-through cache of the model layer, go-zero's `cache.Cache` node: singleflight per
 * key, expiry jitter, a not-found placeholder, Redis failures surfaced as errors, and deletes that
 * are retried in the background when Redis hiccups after a database write.
 *
 * A miss takes a lease on its key before reading the database, and writes what it read only while the
 * lease is still there: a write's delete that lands between the read and the fill removes the lease, so
 * a row read before a write is never cached after it (on any process). A reader that finds another's
 * lease reads the database without caching.
 */
import { randomBytes } from 'node:crypto'
import { SingleFlight } from '@looklook/core'
import { createLogger, type Logger } from '@looklook/logx'
import { redisClientDuration, redisClientErrorTotal } from '@looklook/metrics'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { Redis } from 'ioredis'

/** The value stored for a key whose row does not exist (go-zero's `*`). */
export const NOT_FOUND_PLACEHOLDER = '*'

const DAY_MS = 24 * 60 * 60 * 1000
/** go-zero's extra lifetime of a primary-key entry written by an index lookup, so the index never outlives it. */
const INDEX_PRIMARY_GAP_MS = 5_000
const DEL_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000]
/** A lease's value starts with a byte no encoded row or placeholder starts with. */
const LEASE_PREFIX = '\u0000lease:'
/** Longer than any database read of a miss; a lease left by a process that died expires on its own. */
const LEASE_MS = 10_000
/**
 * KEYS[1] holds the lease ARGV[1]; while it does, KEYS[i] is set to ARGV[2i] for ARGV[2i+1] ms, all at once.
 * The keys are one row's entries of one Redis: a write deletes all of them in one DEL.
 */
const FILL_SCRIPT = `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 1, #KEYS do redis.call('set', KEYS[i], ARGV[2 * i], 'PX', ARGV[2 * i + 1]) end
return 1`

function isLease(text: string): boolean {
  return text.startsWith(LEASE_PREFIX)
}

/** Cache tuning; the defaults are go-zero's. */
export interface CacheOptions {
  /** Lifetime of a cached row, before jitter. Default 7 days. */
  expiryMs?: number
  /** Lifetime of the not-found placeholder, before jitter. Default 1 minute. */
  notFoundExpiryMs?: number
  /** Each lifetime is multiplied by a random factor in [1 - deviation, 1 + deviation]. Default 0.05. */
  deviation?: number
  /** Where failed background deletes are reported. */
  log?: Logger
}

/** How a cached value is turned into text and back; `decode` returns undefined for text it cannot read. */
export interface Codec<T> {
  encode(value: T): string
  decode(text: string): T | undefined
}

/**
 * A read-through cache over one Redis client. Models share one per process (see `CachedModel`).
 * Any Redis error on a read rejects with `CodeError(100001)` carrying the Redis error as `cause`:
 * a cache outage must not turn into a stampede on the database.
 */
export class Cache {
  readonly redis: Redis
  readonly #flight = new SingleFlight()
  readonly #expiryMs: number
  readonly #notFoundExpiryMs: number
  readonly #deviation: number
  #log: Logger | undefined

  constructor(redis: Redis, opts: CacheOptions = {}) {
    this.redis = redis
    this.#expiryMs = opts.expiryMs ?? 7 * DAY_MS
    this.#notFoundExpiryMs = opts.notFoundExpiryMs ?? 60_000
    this.#deviation = opts.deviation ?? 0.05
    this.#log = opts.log
  }

  /**
   * Returns the value cached at `key`, or runs `query` (once for all concurrent callers of this
   * key), caches its result and returns it. `null` from `query` means "no such row" and is cached
   * as the placeholder, so the database is not asked again until the placeholder expires.
   * Every caller gets its own decoded copy, so callers may mutate what they receive.
   */
  async take<T>(key: string, codec: Codec<T>, query: () => Promise<T | null>): Promise<T | null> {
    const text = await this.#flight.do(key, () => this.#takeText(key, codec, query, this.#expiryMs))
    return text === null ? null : this.#decodeOrThrow(codec, text, key)
  }

  /**
   * go-zero's `QueryRowIndex`: `indexKey` holds only the primary key. On a hit the row is read
   * through `primaryKeyOf(primary)` (itself read-through via `primaryQuery`); on a miss
   * `indexQuery` loads the whole row, and both the index entry and the primary entry are written.
   */
  async takeIndex<T, P extends string | number>(
    indexKey: string,
    codec: Codec<T>,
    primaryOf: (row: T) => P,
    primaryKeyOf: (primary: P) => string,
    indexQuery: () => Promise<T | null>,
    primaryQuery: (primary: P) => Promise<T | null>,
  ): Promise<T | null> {
    const text = await this.#flight.do(indexKey, async () => {
      const cached = await this.#get(indexKey)
      if (cached === NOT_FOUND_PLACEHOLDER) return null
      const loading = cached !== null && isLease(cached)
      if (cached !== null && !loading) {
        const primary = parsePrimary<P>(cached)
        if (primary !== undefined) {
          const pk = primaryKeyOf(primary)
          return this.#flight.do(pk, () => this.#takeText(pk, codec, () => primaryQuery(primary), this.#expiryMs))
        }
        await this.del([indexKey])
      }
      const lease = loading ? null : await this.#lease(indexKey)
      const row = await indexQuery()
      if (row === null) {
        if (lease) await this.#fill(lease, [[indexKey, NOT_FOUND_PLACEHOLDER, this.#jitter(this.#notFoundExpiryMs)]])
        return null
      }
      const primary = primaryOf(row)
      const encoded = codec.encode(row)
      const ttl = this.#jitter(this.#expiryMs)
      if (lease) {
        await this.#fill(lease, [
          [indexKey, JSON.stringify(primary), ttl],
          [primaryKeyOf(primary), encoded, ttl + INDEX_PRIMARY_GAP_MS],
        ])
      }
      return encoded
    })
    return text === null ? null : this.#decodeOrThrow(codec, text, indexKey)
  }

  /**
   * Deletes keys after a database write. A Redis failure here is logged and retried in the
   * background rather than thrown: the write has already happened and must not be reported as failed.
   */
  async del(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    try {
      await this.#cmd('del', () => this.redis.del(...keys))
    } catch (err) {
      this.#logger().error({ err, keys }, 'failed to clear cache keys, retrying in background')
      this.#retryDel(keys, 0)
    }
  }

  async #takeText<T>(key: string, codec: Codec<T>, query: () => Promise<T | null>, expiryMs: number): Promise<string | null> {
    const cached = await this.#get(key)
    if (cached === NOT_FOUND_PLACEHOLDER) return null
    const loading = cached !== null && isLease(cached)
    if (cached !== null && !loading) {
      if (codec.decode(cached) !== undefined) return cached
      // Unreadable (e.g. written by an older row shape): drop it and reload, as go-zero does.
      await this.del([key])
    }
    const lease = loading ? null : await this.#lease(key)
    const value = await query()
    if (value === null) {
      if (lease) await this.#fill(lease, [[key, NOT_FOUND_PLACEHOLDER, this.#jitter(this.#notFoundExpiryMs)]])
      return null
    }
    const encoded = codec.encode(value)
    if (lease) await this.#fill(lease, [[key, encoded, this.#jitter(expiryMs)]])
    return encoded
  }

  /**
   * Takes the lease of a missed key; null when another reader holds it (or set the key meanwhile) or Redis
   * failed, and the miss is then served without caching: a failure here only costs the caching.
   */
  async #lease(key: string): Promise<Lease | null> {
    const token = LEASE_PREFIX + randomBytes(12).toString('base64url')
    try {
      const ok = await this.#cmd('set', () => this.redis.set(key, token, 'PX', LEASE_MS, 'NX'))
      return ok === 'OK' ? { key, token } : null
    } catch (err) {
      this.#logger().error({ err, key }, 'failed to write cache')
      return null
    }
  }

  /**
   * Writes `entries` (key, text, ms; the leased key first) at once if the lease still holds its key; like
   * go-zero's cache writes, a failure only costs the caching and is logged.
   */
  async #fill(lease: Lease, entries: readonly (readonly [string, string, number])[]): Promise<void> {
    const keys = entries.map(([key]) => key)
    const args = entries.flatMap(([, text, ms]) => [text, String(Math.max(1_000, Math.round(ms)))])
    try {
      await this.#cmd('eval', () => this.redis.eval(FILL_SCRIPT, keys.length, ...keys, lease.token, ...args))
    } catch (err) {
      this.#logger().error({ err, key: lease.key }, 'failed to write cache')
    }
  }

  #decodeOrThrow<T>(codec: Codec<T>, text: string, key: string): T {
    const value = codec.decode(text)
    if (value === undefined) throw CodeError.common(undefined, new Error(`cache value at ${key} cannot be decoded`))
    return value
  }

  #jitter(ms: number): number {
    return ms * (1 + this.#deviation * (2 * Math.random() - 1))
  }

  async #get(key: string): Promise<string | null> {
    return this.#cmd('get', () => this.redis.get(key))
  }

  #retryDel(keys: readonly string[], attempt: number): void {
    const delay = DEL_RETRY_DELAYS_MS[attempt]
    if (delay === undefined) {
      this.#logger().error({ keys }, 'giving up clearing cache keys; they expire on their own')
      return
    }
    const timer = setTimeout(() => {
      this.#cmd('del', () => this.redis.del(...keys)).catch(() => this.#retryDel(keys, attempt + 1))
    }, delay)
    // Pending retries must not keep a stopping process alive.
    timer.unref()
  }

  async #cmd<T>(command: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now()
    try {
      return await fn()
    } catch (err) {
      redisClientErrorTotal.inc({ command, error: err instanceof Error ? err.name : 'unknown' })
      throw new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: err })
    } finally {
      redisClientDuration.observe({ command }, performance.now() - start)
    }
  }

  #logger(): Logger {
    this.#log ??= createLogger({ service: 'model-cache' })
    return this.#log
  }
}

interface Lease {
  key: string
  token: string
}

function parsePrimary<P>(text: string): P | undefined {
  try {
    const v: unknown = JSON.parse(text)
    // Only what primaryOf produced (a number or string) was ever stored here.
    return typeof v === 'number' || typeof v === 'string' ? (v as P) : undefined
  } catch {
    return undefined
  }
}
