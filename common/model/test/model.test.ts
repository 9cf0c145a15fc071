/**
 * The model base against the real MariaDB and Redis. Every test creates its own table (a random
 * name in looklook_test, hence its own cache-key prefix) and drops it afterwards.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mock, test } from 'node:test'
import { CodeError, ErrCode } from '@looklook/xerr'
import { createConnection } from 'mysql2/promise'
import {
  Cache,
  type CachedModel,
  createPool,
  createRedis,
  DelState,
  defineModel,
  defineTable,
  goctlCamel,
  isDuplicateKeyError,
  NOT_FOUND_PLACEHOLDER,
  type Redis,
  type RowOf,
  SqlConn,
  type Tx,
} from '../src/index.ts'

const MYSQL = { host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' }
const DATABASE = 'looklook_test'
const REDIS_HOST = '127.0.0.1:6379'
const WEEK_S = 7 * 24 * 3600

function memberTable(name: string) {
  return defineTable({
    database: DATABASE,
    table: name,
    columns: {
      mobile: 'string',
      authType: 'string',
      authKey: 'string',
      nickname: 'string',
      homestayPrice: 'int',
      star: 'float',
      liveDate: 'date',
      meta: 'string',
    },
    uniqueKeys: [['mobile'], ['authType', 'authKey']],
  })
}
type MemberTable = ReturnType<typeof memberTable>
type Member = RowOf<MemberTable>

function ddl(name: string): string {
  return `CREATE TABLE \`${name}\` (
    \`id\` bigint NOT NULL AUTO_INCREMENT,
    \`create_time\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    \`update_time\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    \`delete_time\` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
    \`del_state\` tinyint NOT NULL DEFAULT '0',
    \`version\` bigint NOT NULL DEFAULT '0',
    \`mobile\` char(11) NOT NULL DEFAULT '',
    \`auth_type\` varchar(12) NOT NULL DEFAULT '',
    \`auth_key\` varchar(64) NOT NULL DEFAULT '',
    \`nickname\` varchar(255) NOT NULL DEFAULT '',
    \`homestay_price\` bigint NOT NULL DEFAULT '0',
    \`star\` double(2,1) NOT NULL DEFAULT '0.0',
    \`live_date\` date NOT NULL,
    \`meta\` json NOT NULL,
    PRIMARY KEY (\`id\`),
    UNIQUE KEY \`idx_mobile\` (\`mobile\`),
    UNIQUE KEY \`idx_type_key\` (\`auth_type\`, \`auth_key\`)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`
}

type MemberModel = CachedModel<MemberTable>

interface Fixture {
  model: MemberModel
  table: MemberTable
  db: SqlConn
  redis: Redis
  /** Number of statements sent through the pool (outside transactions) that touch this test's table. */
  queries(): number
  /** Creates a member with unique mobile and auth key. */
  seed(over?: Partial<Member>): Promise<Member>
  close(): Promise<void>
}

let seq = 0
function mobile(): string {
  seq++
  return `1${String(Date.now() % 1e6).padStart(6, '0')}${String(seq % 10_000).padStart(4, '0')}`
}

async function fixture(opts: { redisHost?: string } = {}): Promise<Fixture> {
  const name = `t_model_${randomBytes(4).toString('hex')}`
  const admin = await createConnection(MYSQL)
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${DATABASE}\``)
  await admin.query(`USE \`${DATABASE}\``)
  await admin.query(ddl(name))
  const table = memberTable(name)
  const pool = createPool({ DataSource: `mysql://${MYSQL.user}:${MYSQL.password}@${MYSQL.host}:${MYSQL.port}/${DATABASE}`, PoolSize: 5 })
  const spy = mock.method(pool, 'query')
  const db = new SqlConn(pool)
  const redis = createRedis({ Host: opts.redisHost ?? REDIS_HOST, Pass: '', DB: 0, KeyPrefix: '' })
  const cache = new Cache(redis)
  const Model = defineModel(table)
  const model: MemberModel = new Model(db, cache)
  const fx: Fixture = {
    model,
    table,
    db,
    redis,
    queries: () => spy.mock.calls.filter((c) => String(c.arguments[0]).includes(`\`${name}\``)).length,
    async seed(over = {}) {
      const m = mobile()
      const id = await model.insert({
        mobile: m,
        authType: 'system',
        authKey: m,
        nickname: `n${m}`,
        homestayPrice: 9900,
        star: 4.5,
        liveDate: new Date('2024-05-01T00:00:00Z'),
        meta: '{"a":1}',
        ...over,
      })
      const [row] = await model.queryRows(`${model.selectSql} WHERE id = ?`, [id])
      assert.ok(row, 'seeded row exists')
      return row
    },
    async close() {
      const keys = await redis.keys(`cache:${goctlCamel(DATABASE)}:${goctlCamel(name)}:*`).catch(() => [])
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await db.close()
      await admin.query(`DROP TABLE IF EXISTS \`${name}\``)
      await admin.end()
    },
  }
  return fx
}

async function withFixture(fn: (fx: Fixture) => Promise<void>, opts?: { redisHost?: string }): Promise<void> {
  const fx = await fixture(opts)
  try {
    await fn(fx)
  } finally {
    await fx.close()
  }
}

function codeOf(err: unknown): number | undefined {
  return err instanceof CodeError ? err.code : undefined
}

test('100 concurrent findOne on a cold key make exactly one SQL query', () =>
  withFixture(async (fx) => {
    const seeded = await fx.seed()
    await fx.redis.del(fx.model.primaryKey(seeded.id))
    const before = fx.queries()
    const rows = await Promise.all(Array.from({ length: 100 }, () => fx.model.findOne(seeded.id)))
    assert.equal(fx.queries() - before, 1)
    for (const r of rows) assert.deepEqual(r, seeded)
    // Each caller gets its own copy, so one caller mutating its row cannot corrupt another's.
    assert.notEqual(rows[0], rows[1])
    // Now cached: no further query.
    assert.deepEqual(await fx.model.findOne(seeded.id), seeded)
    assert.equal(fx.queries() - before, 1)
  }))

test('100 concurrent findOneBy on a cold unique key make one query; the index entry holds only the id', () =>
  withFixture(async (fx) => {
    const seeded = await fx.seed()
    const [primaryKey, mobileKey, authKey] = fx.model.cacheKeys(seeded)
    await fx.redis.del(primaryKey!, mobileKey!, authKey!)
    const before = fx.queries()
    const rows = await Promise.all(Array.from({ length: 100 }, () => fx.model.findOneBy({ mobile: seeded.mobile })))
    assert.ok(fx.queries() - before <= 2, `at most an index and a primary query, got ${fx.queries() - before}`)
    assert.equal(fx.queries() - before, 1)
    for (const r of rows) assert.deepEqual(r, seeded)
    assert.equal(await fx.redis.get(mobileKey!), String(seeded.id))
    assert.ok(await fx.redis.get(primaryKey!), 'the row is cached under the primary key')
    // Composite unique key: goctl's column-then-value layout.
    assert.equal(authKey, `${fx.table.cachePrefix}authType:authKey:system:${seeded.authKey}`)
    assert.deepEqual(await fx.model.findOneBy({ authType: 'system', authKey: seeded.authKey }), seeded)
    assert.equal(await fx.redis.get(authKey!), String(seeded.id))
    // The primary entry was still cached, so the composite lookup cost one index query only.
    assert.equal(fx.queries() - before, 2)
    // Index entry whose primary entry expired: the row is re-read by id, not by the index.
    await fx.redis.del(primaryKey!)
    assert.deepEqual(await fx.model.findOneBy({ mobile: seeded.mobile }), seeded)
    const last = fx.queries() - before
    assert.equal(last, 3)
  }))

test('a missing row is cached as the placeholder for about a minute and not queried again', () =>
  withFixture(async (fx) => {
    const missing = 987_654_321
    const before = fx.queries()
    assert.equal(await fx.model.findOne(missing), null)
    assert.equal(await fx.model.findOne(missing), null)
    assert.equal(fx.queries() - before, 1)
    const key = fx.model.primaryKey(missing)
    assert.equal(await fx.redis.get(key), NOT_FOUND_PLACEHOLDER)
    // Ids that cannot exist are answered without Redis or MySQL.
    assert.equal(await fx.model.findOne(0), null)
    assert.equal(await fx.model.findOne(Number.NaN), null)
    assert.equal(await fx.redis.exists(fx.model.primaryKey(0)), 0)
    assert.equal(fx.queries() - before, 1)
    const ttl = await fx.redis.ttl(key)
    assert.ok(ttl >= 55 && ttl <= 64, `placeholder ttl ${ttl}`)
    // Same for a unique key.
    assert.equal(await fx.model.findOneBy({ mobile: '10000000000' }), null)
    assert.equal(await fx.model.findOneBy({ mobile: '10000000000' }), null)
    assert.equal(fx.queries() - before, 2)
    // Inserting that mobile clears the placeholder at once.
    const id = await fx.model.insert({
      mobile: '10000000000',
      authType: 'system',
      authKey: '10000000000',
      nickname: 'x',
      homestayPrice: 1,
      star: 1,
      liveDate: new Date('2024-01-01T00:00:00Z'),
      meta: '{}',
    })
    assert.equal((await fx.model.findOneBy({ mobile: '10000000000' }))?.id, id)
  }))

test('row TTLs are 7 days times a jitter in [0.95, 1.05]', () =>
  withFixture(async (fx) => {
    const ttls: number[] = []
    for (let i = 0; i < 20; i++) {
      const row = await fx.seed()
      await fx.model.findOne(row.id)
      ttls.push(await fx.redis.ttl(fx.model.primaryKey(row.id)))
    }
    for (const ttl of ttls) assert.ok(ttl >= Math.floor(0.95 * WEEK_S) - 2 && ttl <= Math.ceil(1.05 * WEEK_S), `ttl ${ttl}`)
    assert.ok(new Set(ttls).size > 1, 'TTLs are jittered, not all equal')
    // An index lookup writes the primary entry 5 s longer than the index entry.
    const row = await fx.seed()
    const [pk, mk] = fx.model.cacheKeys(row)
    await fx.model.findOneBy({ mobile: row.mobile })
    const gap = (await fx.redis.pttl(pk!)) - (await fx.redis.pttl(mk!))
    assert.ok(gap > 4_000 && gap <= 5_100, `primary outlives index by ${gap} ms`)
  }))

/**
 * A second process's model over the fixture's table whose first SELECT of the row is answered only after
 * `write` ran: the read-before-write, fill-after-delete interleaving of two processes.
 */
async function racingReader(fx: Fixture, write: () => Promise<void>): Promise<{ model: MemberModel; close(): Promise<void> }> {
  const pool = createPool({ DataSource: `mysql://${MYSQL.user}:${MYSQL.password}@${MYSQL.host}:${MYSQL.port}/${DATABASE}`, PoolSize: 2 })
  const redis = createRedis({ Host: REDIS_HOST, Pass: '', DB: 0, KeyPrefix: '' })
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>
  let raced = false
  mock.method(pool, 'query', async (...args: unknown[]) => {
    const result = await query(...args)
    if (!raced && /^select/i.test(String(args[0]))) {
      raced = true
      await write()
    }
    return result
  })
  const Model = defineModel(fx.table)
  const db = new SqlConn(pool)
  return {
    model: new Model(db, new Cache(redis)),
    async close() {
      redis.disconnect()
      await db.close()
    },
  }
}

for (const [how, find] of [
  ['by id', (m: MemberModel, row: Member) => m.findOne(row.id)],
  ['through a unique key (neither the index entry nor the row)', (m: MemberModel, row: Member) => m.findOneBy({ mobile: row.mobile })],
] as const) {
  test(`a row one process read ${how} before another process wrote it is not cached after the write`, () =>
    withFixture(async (fx) => {
      const row = await fx.seed()
      const reader = await racingReader(fx, async () => {
        await fx.model.update({ ...row, nickname: 'after' })
      })
      try {
        // The racing read answers what it read; the cache must not keep it once the write deleted the keys.
        assert.equal((await find(reader.model, row))?.nickname, row.nickname)
        assert.equal((await find(reader.model, row))?.nickname, 'after')
        assert.equal((await fx.model.findOne(row.id))?.nickname, 'after')
      } finally {
        await reader.close()
      }
    }))
}

test('update invalidates the primary key and every unique key, old and new values', () =>
  withFixture(async (fx) => {
    const row = await fx.seed()
    const oldMobile = row.mobile
    const newMobile = mobile()
    assert.ok(await fx.model.findOneBy({ mobile: oldMobile }))
    assert.equal(await fx.model.findOneBy({ mobile: newMobile }), null) // leaves a placeholder for the new mobile
    const oldKeys = fx.model.cacheKeys(row)
    row.mobile = newMobile
    row.nickname = 'renamed'
    await fx.model.update(row)
    assert.equal(row.version, 1)
    for (const k of oldKeys) assert.equal(await fx.redis.exists(k), 0, `${k} deleted`)
    const byNew = await fx.model.findOneBy({ mobile: newMobile })
    assert.equal(byNew?.id, row.id)
    assert.equal(byNew?.nickname, 'renamed')
    assert.equal(byNew?.version, 1)
    assert.equal(await fx.model.findOneBy({ mobile: oldMobile }), null)
    assert.equal((await fx.model.findOne(row.id))?.mobile, newMobile)
  }))

test('a stale version update fails with 100006 and changes nothing', () =>
  withFixture(async (fx) => {
    const seeded = await fx.seed()
    const a = (await fx.model.findOne(seeded.id))!
    const b = (await fx.model.findOne(seeded.id))!
    a.nickname = 'first'
    await fx.model.updateWithVersion(a)
    assert.equal(a.version, seeded.version + 1)
    b.nickname = 'second'
    await assert.rejects(fx.model.updateWithVersion(b), (err) => codeOf(err) === ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR)
    assert.equal(b.version, seeded.version, 'the failed update leaves the caller’s version alone')
    const [dbRow] = await fx.db.query<{ nickname: string; version: number }>(
      `SELECT nickname, version FROM ${fx.table.sqlTable} WHERE id = ?`,
      [seeded.id],
    )
    assert.deepEqual({ ...dbRow }, { nickname: 'first', version: seeded.version + 1 })
    assert.equal((await fx.model.findOne(seeded.id))?.nickname, 'first')
    // A fresh read carries the current version and succeeds.
    const c = (await fx.model.findOne(seeded.id))!
    c.nickname = 'third'
    await fx.model.updateWithVersion(c)
    assert.equal((await fx.model.findOne(seeded.id))?.nickname, 'third')
    // Updating a row that does not exist is also 100006.
    await assert.rejects(fx.model.update({ ...c, id: 999_999_999 }), (err) => codeOf(err) === ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR)
  }))

test('soft delete hides the row from every find and bumps the version', () =>
  withFixture(async (fx) => {
    const row = await fx.seed()
    await fx.model.findOne(row.id)
    await fx.model.findOneBy({ mobile: row.mobile })
    await fx.model.deleteSoft(row)
    assert.equal(row.delState, DelState.Yes)
    assert.equal(row.version, 1)
    assert.equal(await fx.model.findOne(row.id), null)
    assert.equal(await fx.model.findOneBy({ mobile: row.mobile }), null)
    assert.equal(await fx.model.findOneBy({ authType: 'system', authKey: row.authKey }), null)
    assert.deepEqual(await fx.model.findPageByIdDesc({ lastId: 0, pageSize: 10 }), [])
    assert.equal(await fx.model.count(), 0)
    const [dbRow] = await fx.db.query<{ del_state: number; delete_time: Date }>(
      `SELECT del_state, delete_time FROM ${fx.table.sqlTable} WHERE id = ?`,
      [row.id],
    )
    assert.equal(dbRow?.del_state, 1)
    assert.ok(Math.abs(dbRow!.delete_time.getTime() - Date.now()) < 60_000)
    // Hard delete removes it for good.
    await fx.model.delete(row.id)
    assert.equal((await fx.db.query(`SELECT id FROM ${fx.table.sqlTable} WHERE id = ?`, [row.id])).length, 0)
  }))

test('transaction rollback leaves no row and no cache change; commit invalidates after commit', () =>
  withFixture(async (fx) => {
    const existing = await fx.seed()
    await fx.model.findOne(existing.id)
    const pk = fx.model.primaryKey(existing.id)
    const cachedBefore = await fx.redis.get(pk)
    assert.ok(cachedBefore)
    const newMobile = mobile()

    await assert.rejects(
      fx.model.transact(async (tx: Tx) => {
        await fx.model.insert(
          {
            mobile: newMobile,
            authType: 'system',
            authKey: newMobile,
            nickname: 'tx',
            homestayPrice: 1,
            star: 1,
            liveDate: new Date(),
            meta: '{}',
          },
          tx,
        )
        await fx.model.updateWithVersion({ ...existing, nickname: 'in-tx' }, tx)
        // Inside the transaction, reads see its own writes and bypass the cache.
        assert.equal((await fx.model.findOne(existing.id, tx))?.nickname, 'in-tx')
        assert.ok(await fx.model.findOneBy({ mobile: newMobile }, tx))
        throw new Error('abort')
      }),
      /abort/,
    )
    assert.equal(await fx.redis.get(pk), cachedBefore, 'rollback leaves the cache alone')
    assert.equal(await fx.model.findOneBy({ mobile: newMobile }), null)
    const [count] = await fx.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${fx.table.sqlTable} WHERE mobile = ?`, [newMobile])
    assert.equal(Number(count?.n), 0)
    assert.equal((await fx.model.findOne(existing.id))?.nickname, existing.nickname)
    assert.equal((await fx.db.query<{ v: number }>(`SELECT version AS v FROM ${fx.table.sqlTable} WHERE id = ?`, [existing.id]))[0]?.v, 0)

    // Commit: the cache entry survives until COMMIT, then it is gone and readers see the new row.
    const fresh = (await fx.model.findOne(existing.id))!
    const insertedId = await fx.model.transact(async (tx) => {
      fresh.nickname = 'committed'
      await fx.model.updateWithVersion(fresh, tx)
      const id = await fx.model.insert(
        {
          mobile: newMobile,
          authType: 'system',
          authKey: newMobile,
          nickname: 'tx',
          homestayPrice: 1,
          star: 1,
          liveDate: new Date(),
          meta: '{}',
        },
        tx,
      )
      assert.equal(await fx.redis.get(pk), cachedBefore, 'not invalidated before COMMIT')
      return id
    })
    assert.equal(await fx.redis.exists(pk), 0, 'invalidated after COMMIT')
    assert.equal((await fx.model.findOne(existing.id))?.nickname, 'committed')
    assert.equal((await fx.model.findOneBy({ mobile: newMobile }))?.id, insertedId)
  }))

test('two models share one transaction', () =>
  withFixture(async (a) =>
    withFixture(async (b) => {
      // Both fixtures' models run on a's connection inside a's transaction.
      const Other = defineModel(b.table)
      const other = new Other(a.db, b.model.cache)
      const m = mobile()
      const data = { mobile: m, authType: 'system', authKey: m, nickname: 'x', homestayPrice: 1, star: 1, liveDate: new Date(), meta: '{}' }
      await assert.rejects(
        a.db.transact(async (tx) => {
          await a.model.insert(data, tx)
          await other.insert(data, tx)
          throw new Error('abort both')
        }),
        /abort both/,
      )
      assert.equal(await a.model.count({ where: 'mobile = ?', args: [m] }), 0)
      assert.equal(await other.count({ where: 'mobile = ?', args: [m] }), 0)
      await a.db.transact(async (tx) => {
        await a.model.insert(data, tx)
        await other.insert(data, tx)
      })
      assert.equal(await a.model.count({ where: 'mobile = ?', args: [m] }), 1)
      assert.equal(await other.count({ where: 'mobile = ?', args: [m] }), 1)
    }),
  ))

test('keyset paging: id desc below lastId, filtered, with pageSize clamped to 100', () =>
  withFixture(async (fx) => {
    const ids: number[] = []
    for (let i = 0; i < 25; i++) ids.push((await fx.seed({ nickname: i % 2 === 0 ? 'even' : 'odd' })).id)
    const desc = [...ids].sort((x, y) => y - x)
    const page1 = await fx.model.findPageByIdDesc({ lastId: 0, pageSize: 10 })
    assert.deepEqual(
      page1.map((r) => r.id),
      desc.slice(0, 10),
    )
    const page2 = await fx.model.findPageByIdDesc({ lastId: page1.at(-1)!.id, pageSize: 10 })
    assert.deepEqual(
      page2.map((r) => r.id),
      desc.slice(10, 20),
    )
    const page3 = await fx.model.findPageByIdDesc({ lastId: page2.at(-1)!.id, pageSize: 10 })
    assert.deepEqual(
      page3.map((r) => r.id),
      desc.slice(20),
    )
    const evens = await fx.model.findPageByIdDesc({ where: 'nickname = ?', args: ['even'], lastId: 0, pageSize: 100 })
    assert.equal(evens.length, 13)
    assert.ok(evens.every((r) => r.nickname === 'even'))

    // 130 rows in all: a page of 1000 is clamped to 100.
    const values = Array.from({ length: 105 }, (_, i) => `('b${i}', 'bulk', 'k${i}', '2024-01-01', '{}')`).join(',')
    await fx.db.exec(`INSERT INTO ${fx.table.sqlTable} (mobile, auth_type, auth_key, live_date, meta) VALUES ${values}`)
    assert.equal((await fx.model.findPageByIdDesc({ lastId: 0, pageSize: 1000 })).length, 100)
    await assert.rejects(fx.model.findPageByIdDesc({ lastId: 0, pageSize: 0 }), (err) => codeOf(err) === ErrCode.REQUEST_PARAM_ERROR)
    await assert.rejects(fx.model.findPageByIdDesc({ lastId: -1, pageSize: 10 }), (err) => codeOf(err) === ErrCode.REQUEST_PARAM_ERROR)
  }))

test('Redis down: findOne rejects with a CodeError and the database is not queried', () =>
  withFixture(
    async (fx) => {
      const before = fx.queries()
      const started = Date.now()
      await assert.rejects(fx.model.findOne(1), (err) => {
        assert.equal(codeOf(err), ErrCode.SERVER_COMMON_ERROR)
        assert.ok((err as Error).cause, 'the Redis error is kept as cause')
        return true
      })
      await assert.rejects(fx.model.findOneBy({ mobile: '13800000000' }), (err) => codeOf(err) === ErrCode.SERVER_COMMON_ERROR)
      assert.equal(fx.queries() - before, 0)
      assert.ok(Date.now() - started < 5_000, 'fails fast')
    },
    { redisHost: '127.0.0.1:1' },
  ))

test('duplicate keys are recognisable; other DB errors are 100005 without SQL in the message', () =>
  withFixture(async (fx) => {
    const row = await fx.seed()
    const err = await fx.model
      .insert({
        mobile: row.mobile,
        authType: 'other',
        authKey: 'x',
        nickname: '',
        homestayPrice: 0,
        star: 0,
        liveDate: new Date(),
        meta: '{}',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    assert.equal(codeOf(err), ErrCode.DB_ERROR)
    assert.ok(isDuplicateKeyError(err))
    assert.doesNotMatch((err as Error).message, /INSERT|Duplicate/i)
    const syntax = await fx.db.query('SELEC 1').then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.equal(codeOf(syntax), ErrCode.DB_ERROR)
    assert.equal(isDuplicateKeyError(syntax), false)
    assert.equal(isDuplicateKeyError(new Error('x')), false)
  }))

test('values round-trip: dates in UTC, bigint, double, JSON as string; session time zone is UTC', () =>
  withFixture(async (fx) => {
    const liveDate = new Date('2024-02-29T00:00:00Z')
    const deleteTime = new Date('2023-06-01T12:34:56Z')
    const row = await fx.seed({ liveDate, deleteTime, homestayPrice: 2 ** 40, star: 3.5, meta: '{"overall":5}', nickname: '民宿 🏡' })
    const [tz] = await fx.db.query<{ tz: string }>('SELECT @@session.time_zone AS tz')
    assert.equal(tz?.tz, '+00:00')
    for (const r of [row, await fx.model.findOne(row.id), await fx.model.findOne(row.id)]) {
      assert.ok(r)
      assert.equal(r.liveDate.toISOString(), liveDate.toISOString())
      assert.equal(r.deleteTime.toISOString(), deleteTime.toISOString())
      assert.equal(r.homestayPrice, 2 ** 40)
      assert.equal(r.star, 3.5)
      assert.equal(r.meta, '{"overall":5}')
      assert.equal(r.nickname, '民宿 🏡')
      assert.ok(r.createTime instanceof Date)
      assert.ok(Math.abs(r.createTime.getTime() - Date.now()) < 60_000, 'DEFAULT CURRENT_TIMESTAMP reads back as now')
    }
  }))
