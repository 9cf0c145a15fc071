/**
 * The MySQL side of the model layer, go-zero's `sqlx.SqlConn`: a mysql2 pool behind a small
 * query/exec surface that records go-zero's SQL metrics and a client span per statement, wraps every driver error as
 * `CodeError(100005)` (the SQL text stays in `cause`, never reaches clients) and runs transactions
 * whose cache invalidations happen only after COMMIT.
 */

import { createRequire } from 'node:module'
import type { TDBConf } from '@looklook/conf'
import { sqlClientDuration, sqlClientErrorTotal } from '@looklook/metrics'
import { CodeError } from '@looklook/xerr'
import type { Span } from '@opentelemetry/api'
import type * as Mysql from 'mysql2/promise'
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise'
import { endSpan, type Peer, sqlSpan } from './spans.ts'

// The driver is loaded with the first pool: a process that imports only the model's row mappings or
// a model package's constants (an api through an rpc's contract) never loads it.
const require = createRequire(import.meta.url)
let mysql: typeof Mysql | undefined

/** A value that can be bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | boolean | Date | Buffer | null

/** What an INSERT/UPDATE/DELETE reports. */
export interface ExecResult {
  affectedRows: number
  insertId: number
}

/** Anything statements can run on: the pool ({@link SqlConn}) or one transaction ({@link Tx}). */
export interface Queryer {
  /** Runs a statement that returns rows; each row is a plain object keyed by column name or alias. */
  query<R extends object = Record<string, unknown>>(sql: string, args?: readonly SqlValue[]): Promise<R[]>
  /** Runs a statement that changes rows. */
  exec(sql: string, args?: readonly SqlValue[]): Promise<ExecResult>
}

/** How long an unused connection stays open when `DB.IdleTimeout` is not set (mysql2's own default). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000

/** `DB.MaxIdle` when not set: at most a quarter of the pool (at least one connection) stays open between bursts. */
export function defaultMaxIdle(poolSize: number): number {
  return Math.max(1, Math.floor(poolSize / 4))
}

/**
 * Parses `mysql://user:pass@host:port/db` (user and password percent-encoded when they contain
 * reserved characters) and opens a pool of up to `PoolSize` connections.
 *
 * Idle connections (mysql2's pool semantics, checked once a second, oldest released first): beyond
 * `MaxIdle` of them are closed at the next check; any that has been unused for `IdleTimeout` ms is
 * closed too, so a quiet process ends with no connection and the next statement opens one. With
 * `MaxIdle` equal to `PoolSize` mysql2 runs no check at all and never closes an idle connection.
 * A connection the server drops (restart, `KILL`, `wait_timeout`) leaves the pool when its socket
 * closes; see {@link SqlConn} for the statement that meets it first.
 *
 * Representation choices, identical in every process:
 * - DATETIME/DATE columns are JS `Date`s in UTC: the driver reads and writes UTC (`timezone: 'Z'`)
 *   and every connection sets `time_zone = '+00:00'`, so `DEFAULT CURRENT_TIMESTAMP` values and
 *   values written from JS round-trip unchanged whatever the server's own time zone is.
 * - BIGINT is a JS number (`supportBigNumbers`: values beyond 2^53 would come back as strings and
 *   are rejected by the row mapping instead of silently losing precision).
 * - JSON columns are strings (`jsonStrings`), the same on MariaDB (where JSON is LONGTEXT) and MySQL 8.
 */
export function createPool(conf: TDBConf): Pool {
  const url = parseDataSource(conf.DataSource)
  const maxIdle = Math.min(conf.MaxIdle ?? defaultMaxIdle(conf.PoolSize), conf.PoolSize)
  mysql ??= require('mysql2/promise') as typeof Mysql
  const pool = mysql.createPool({
    ...url,
    connectionLimit: conf.PoolSize,
    maxIdle,
    idleTimeout: conf.IdleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
    waitForConnections: true,
    queueLimit: 0,
    connectTimeout: 5_000,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    charset: 'utf8mb4_general_ci',
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: false,
    timezone: 'Z',
    jsonStrings: true,
    // No stack captured per statement for a failure that may never come: a failed statement becomes a
    // CodeError made where it was awaited, whose async stack names the caller anyway.
    trace: false,
  })
  // 'connection' fires before the new connection serves its first query, and commands on one
  // connection run in order, so this SET always precedes any statement of ours.
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'", (err) => {
      if (err) conn.destroy()
    })
  })
  return pool
}

const DATA_SOURCE_SHAPE = 'DB.DataSource must look like mysql://user:pass@host:port/db'

function parseDataSource(dataSource: string): { host: string; port: number; user: string; password: string; database: string } {
  let url: URL
  try {
    url = new URL(dataSource)
  } catch {
    throw new Error(DATA_SOURCE_SHAPE)
  }
  // Go-style DSNs (user:pass@tcp(host:3306)/db) parse as URLs with a bogus scheme; name the expected shape.
  if (url.protocol !== 'mysql:') throw new Error(`${DATA_SOURCE_SHAPE} (got the scheme ${url.protocol})`)
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (!database) throw new Error(`${DATA_SOURCE_SHAPE} (no database named)`)
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  }
}

interface DriverError {
  code?: string
  errno?: number
}

function driverError(err: unknown): DriverError | undefined {
  return typeof err === 'object' && err !== null ? (err as DriverError) : undefined
}

/**
 * Whether `err` (or any error in its `cause` chain) is MySQL's duplicate-key error (1062
 * ER_DUP_ENTRY) — e.g. two concurrent registrations of one mobile, where the unique index is the
 * arbiter and the caller turns the loser into a friendly business error.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 10; depth++) {
    const d = driverError(e)
    if (d?.errno === 1062 || d?.code === 'ER_DUP_ENTRY') return true
    e = e instanceof Error ? e.cause : undefined
  }
  return false
}

/**
 * Whether MySQL chose the transaction of `err` (or any error in its `cause` chain) as a deadlock victim
 * (1213 ER_LOCK_DEADLOCK) or gave up waiting for a lock (1205 ER_LOCK_WAIT_TIMEOUT). Both roll the whole
 * transaction back, so it is safe to run again from the start.
 */
export function isLockConflict(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 10; depth++) {
    const d = driverError(e)
    if (d?.errno === 1213 || d?.errno === 1205 || d?.code === 'ER_LOCK_DEADLOCK' || d?.code === 'ER_LOCK_WAIT_TIMEOUT') return true
    e = e instanceof Error ? e.cause : undefined
  }
  return false
}

/** How many times {@link retryOnLockConflict} runs a transaction before the conflict reaches the caller. */
export const LOCK_CONFLICT_ATTEMPTS = 4

/**
 * Runs `fn` (one whole transaction) again when MySQL rolled it back over a lock conflict, after a short
 * random pause. Concurrent inserts into one unique index range are the usual cause: two first payments of
 * one order, or overlapping stays holding the same nights, both lock the range and one becomes the
 * deadlock victim; on its next run it meets the winner's committed row. `fn` must do nothing outside its
 * transaction that cannot be repeated.
 */
export async function retryOnLockConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (attempt >= LOCK_CONFLICT_ATTEMPTS || !isLockConflict(err)) throw err
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20))
    }
  }
}

type Runner = Pool | PoolConnection

async function observe<T>(command: string, span: Span | undefined, fn: () => Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    const result = await fn()
    endSpan(span)
    return result
  } catch (err) {
    endSpan(span, err)
    sqlClientErrorTotal.inc({ command, error: driverError(err)?.code ?? 'unknown' })
    throw err instanceof CodeError ? err : CodeError.db(err)
  } finally {
    sqlClientDuration.observe({ command }, performance.now() - start)
  }
}

// What a statement meets on a pooled connection the server has already dropped (restart, KILL,
// wait_timeout) when the socket's close has not been read yet: mysql2 hands the connection out,
// the statement fails, and the connection leaves the pool with that failure.
const LOST_CONNECTION = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE'])
const READ = /^\s*(?:select|show)\b/i

function lostConnection(err: unknown): boolean {
  const code = driverError(err)?.code
  return code !== undefined && LOST_CONNECTION.has(code)
}

/**
 * Runs a statement that returns rows. `retryLost` (pool reads only) repeats a SELECT once when
 * its connection turns out to be dead: a read is safe to repeat, and the retry gets a live or
 * a new connection. A write is never repeated, since the server may have applied it.
 */
async function runQuery<R extends object>(
  runner: Runner,
  peer: Peer,
  sql: string,
  args: readonly SqlValue[] = [],
  retryLost = false,
): Promise<R[]> {
  return observe('query', sqlSpan(peer, sql), async () => {
    let rows: RowDataPacket[]
    try {
      ;[rows] = await runner.query<RowDataPacket[]>(sql, [...args])
    } catch (err) {
      if (!retryLost || !lostConnection(err) || !READ.test(sql)) throw err
      ;[rows] = await runner.query<RowDataPacket[]>(sql, [...args])
    }
    // The caller names the row shape: the SQL's column list is the contract here, as with sqlx scans.
    return rows as unknown as R[]
  })
}

async function runExec(runner: Runner, peer: Peer, sql: string, args: readonly SqlValue[] = []): Promise<ExecResult> {
  return observe('exec', sqlSpan(peer, sql), async () => {
    const [res] = await runner.query<ResultSetHeader>(sql, [...args])
    return { affectedRows: res.affectedRows, insertId: Number(res.insertId) }
  })
}

/** The database and server a pool talks to, read once for the span attributes. */
function peerOf(pool: Pool): Peer {
  // mysql2 keeps the parsed connection options on the pool's config (its typings name only the input options).
  const c = (pool.pool.config as { connectionConfig?: { database?: string; host?: string; port?: number } }).connectionConfig
  return { namespace: c?.database ?? '', address: c?.host ?? '', port: c?.port ?? 3306 }
}

/** One transaction: statements run on its connection; work registered with {@link Tx.afterCommit} runs after COMMIT. */
export class Tx implements Queryer {
  readonly #conn: PoolConnection
  readonly #peer: Peer
  readonly #afterCommit: (() => Promise<void>)[] = []

  constructor(conn: PoolConnection, peer: Peer) {
    this.#conn = conn
    this.#peer = peer
  }

  query<R extends object = Record<string, unknown>>(sql: string, args?: readonly SqlValue[]): Promise<R[]> {
    return runQuery<R>(this.#conn, this.#peer, sql, args)
  }

  exec(sql: string, args?: readonly SqlValue[]): Promise<ExecResult> {
    return runExec(this.#conn, this.#peer, sql, args)
  }

  /**
   * Defers `fn` until the transaction has committed (it never runs after a rollback). Models use
   * it to delete cache keys, so no reader can re-cache a row version that was never committed.
   */
  afterCommit(fn: () => Promise<void>): void {
    this.#afterCommit.push(fn)
  }

  /** @internal Runs the deferred work; failures are the callbacks' own business (they log and retry). */
  async runAfterCommit(): Promise<void> {
    await Promise.allSettled(this.#afterCommit.map((fn) => fn()))
  }
}

/**
 * The pool-backed connection every model of a process shares (go-zero `sqlx.SqlConn`). A SELECT
 * that meets a connection the server has dropped is run once more on another connection, so a
 * database restart or a killed connection costs no failed read; writes are not repeated.
 */
export class SqlConn implements Queryer {
  /** The underlying mysql2 pool; statements outside transactions go through its `query` method. */
  readonly pool: Pool
  readonly #peer: Peer

  constructor(pool: Pool) {
    this.pool = pool
    this.#peer = peerOf(pool)
  }

  query<R extends object = Record<string, unknown>>(sql: string, args?: readonly SqlValue[]): Promise<R[]> {
    return runQuery<R>(this.pool, this.#peer, sql, args, true)
  }

  exec(sql: string, args?: readonly SqlValue[]): Promise<ExecResult> {
    return runExec(this.pool, this.#peer, sql, args)
  }

  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * rethrown unchanged). Pass the `tx` to every model call that belongs to the transaction.
   * Cache keys those calls touch are deleted after COMMIT; after a rollback the cache is untouched.
   */
  async transact<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const conn = await observe('begin', undefined, () => this.pool.getConnection())
    const tx = new Tx(conn, this.#peer)
    let result: T
    try {
      await observe('begin', sqlSpan(this.#peer, 'BEGIN'), () => conn.beginTransaction())
      try {
        result = await fn(tx)
      } catch (err) {
        await observe('rollback', sqlSpan(this.#peer, 'ROLLBACK'), () => conn.rollback()).catch(() => {
          // The connection is suspect after a failed rollback: never hand it out again.
          conn.destroy()
        })
        throw err
      }
      await observe('commit', sqlSpan(this.#peer, 'COMMIT'), () => conn.commit())
    } finally {
      conn.release()
    }
    await tx.runAfterCommit()
    return result
  }

  /** Closes the pool (waits for checked-out connections to be released). */
  close(): Promise<void> {
    return this.pool.end()
  }
}
