// MariaDB as ./looklook up leaves it: the services' user over TCP, rights limited to looklook_* databases.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { type Connection, createConnection, type RowDataPacket } from 'mysql2/promise'

async function connectAsLooklook(): Promise<Connection> {
  return createConnection({ host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' })
}

test('the looklook user logs in over TCP with a utf8mb4 server', async () => {
  const conn = await connectAsLooklook()
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user, @@character_set_server AS charset')
    assert.equal(rows[0]?.user, 'looklook@127.0.0.1')
    assert.equal(rows[0]?.charset, 'utf8mb4')
  } finally {
    await conn.end()
  }
})

test('the looklook user owns looklook_* databases and nothing else', async () => {
  const conn = await connectAsLooklook()
  const db = `looklook_infra_${randomBytes(4).toString('hex')}`
  try {
    await conn.query(`CREATE DATABASE ${db}`)
    await conn.query(`CREATE TABLE ${db}.t (id BIGINT PRIMARY KEY, name VARCHAR(32))`)
    await conn.query(`INSERT INTO ${db}.t VALUES (1, ?)`, ['民宿'])
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT name FROM ${db}.t WHERE id = 1`)
    assert.equal(rows[0]?.name, '民宿')
    await assert.rejects(conn.query(`CREATE DATABASE infra_${randomBytes(4).toString('hex')}`), { code: 'ER_DBACCESS_DENIED_ERROR' })
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS ${db}`)
    await conn.end()
  }
})

test('the deploy/sql schemas are loaded', async () => {
  const conn = await connectAsLooklook()
  try {
    const [rows] = await conn.query<RowDataPacket[]>(
      "SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE 'looklook\\_%'",
    )
    const names = rows.map((r) => String(r.name))
    for (const db of ['looklook_usercenter', 'looklook_travel', 'looklook_order', 'looklook_payment']) {
      assert.ok(names.includes(db), `${db} missing; have ${names.join(', ')}`)
    }
  } finally {
    await conn.end()
  }
})
