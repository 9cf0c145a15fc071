/**
 * The pool against the real MariaDB: which idle connections it closes and when, and what a
 * connection the server killed costs the next statements. Connections are followed on the server
 * side through information_schema.PROCESSLIST, by the ids the pool's own connections report.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Connection, createConnection, type RowDataPacket } from 'mysql2/promise'
import { createPool, defaultMaxIdle, SqlConn } from '../src/index.ts'

const MYSQL = { host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' }
const DATA_SOURCE = `mysql://${MYSQL.user}:${MYSQL.password}@${MYSQL.host}:${MYSQL.port}/looklook_test`

async function admin(): Promise<Connection> {
  const conn = await createConnection(MYSQL)
  await conn.query('CREATE DATABASE IF NOT EXISTS `looklook_test`')
  return conn
}

/** Opens `n` connections at once (each statement holds its connection for a moment) and returns their server ids. */
async function openConnections(db: SqlConn, n: number): Promise<number[]> {
  const rows = await Promise.all(Array.from({ length: n }, () => db.query<{ id: number }>('SELECT CONNECTION_ID() AS id, SLEEP(0.2) AS s')))
  const ids = rows.map((r) => Number(r[0]?.id))
  assert.equal(new Set(ids).size, n, `${n} statements at once use ${n} connections`)
  return ids
}

/** Which of these connection ids the server still has open. */
async function stillOpen(conn: Connection, ids: readonly number[]): Promise<number[]> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN (?)', [ids])
  return rows.map((r) => Number(r.ID)).sort((a, b) => a - b)
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>, last: () => string): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms (${last()})`)
    await sleep(100)
  }
}

test('MaxIdle defaults to a quarter of the pool, at least one, and never exceeds PoolSize', async () => {
  assert.equal(defaultMaxIdle(10), 2)
  assert.equal(defaultMaxIdle(2), 1)
  const pools = [
    createPool({ DataSource: DATA_SOURCE, PoolSize: 8 }),
    createPool({ DataSource: DATA_SOURCE, PoolSize: 4, MaxIdle: 9, IdleTimeout: 5000 }),
  ]
  try {
    const configs = pools.map((p) => p.pool.config as { maxIdle?: number; idleTimeout?: number; connectionLimit?: number })
    assert.deepEqual(
      configs.map((c) => [c.connectionLimit, c.maxIdle, c.idleTimeout]),
      [
        [8, 2, 60_000],
        [4, 4, 5000],
      ],
    )
  } finally {
    await Promise.all(pools.map((p) => p.end()))
  }
})

test('idle connections beyond MaxIdle close at once, the rest after IdleTimeout, and the next statement opens a new one', async () => {
  const server = await admin()
  const db = new SqlConn(createPool({ DataSource: DATA_SOURCE, PoolSize: 4, MaxIdle: 1, IdleTimeout: 2500 }))
  try {
    const ids = await openConnections(db, 4)
    let open: number[] = []
    const released = Date.now()
    // mysql2 checks once a second: the three beyond MaxIdle go at the first check.
    await poll(
      'one idle connection left',
      4000,
      async () => {
        open = await stillOpen(server, ids)
        return open.length === 1 ? open : undefined
      },
      () => `open: ${open.join(',')}`,
    )
    assert.ok(Date.now() - released < 2500, 'the connections beyond MaxIdle did not wait for IdleTimeout')
    // The last one is closed once it has been unused for IdleTimeout.
    await poll(
      'no idle connection left',
      6000,
      async () => {
        open = await stillOpen(server, ids)
        return open.length === 0 ? open : undefined
      },
      () => `open: ${open.join(',')}`,
    )
    assert.ok(Date.now() - released >= 2500, 'the last connection was kept for IdleTimeout')
    const [row] = await db.query<{ id: number }>('SELECT CONNECTION_ID() AS id')
    assert.ok(row && !ids.includes(Number(row.id)), 'a new connection serves the next statement')
  } finally {
    await db.close()
    await server.end()
  }
})

test('with MaxIdle equal to PoolSize mysql2 runs no idle check: connections outlive IdleTimeout', async () => {
  const server = await admin()
  const db = new SqlConn(createPool({ DataSource: DATA_SOURCE, PoolSize: 3, MaxIdle: 3, IdleTimeout: 1000 }))
  try {
    const ids = await openConnections(db, 3)
    await sleep(2500)
    assert.deepEqual(
      await stillOpen(server, ids),
      [...ids].sort((a, b) => a - b),
    )
  } finally {
    await db.close()
    await server.end()
  }
})

test('connections the server killed cost no failed read: the pool replaces them', async () => {
  const server = await admin()
  const db = new SqlConn(createPool({ DataSource: DATA_SOURCE, PoolSize: 4, MaxIdle: 4 }))
  try {
    // Killing every connection and reading at once races the pool against the closed sockets; without
    // the retry about one read in seven met a dead connection here, so twenty rounds of four find it.
    for (let round = 0; round < 20; round++) {
      const ids = await openConnections(db, 4)
      await Promise.all(ids.map((id) => server.query(`KILL ${id}`)))
      const rows = await Promise.all(Array.from({ length: 4 }, () => db.query<{ id: number }>('SELECT CONNECTION_ID() AS id')))
      for (const r of rows) assert.ok(r[0] && !ids.includes(Number(r[0].id)), `round ${round}: a killed connection answered`)
    }
  } finally {
    await db.close()
    await server.end()
  }
})
