/**
 * The client spans of the model layer, against the real MariaDB and Redis, collected in memory:
 * one per SQL statement and Redis command inside a recording span, none outside one, and never a
 * bound value, a key or the statement text among their attributes.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import { context, type Span, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { createConnection } from 'mysql2/promise'
import { Cache, createPool, createRedis, defineModel, defineTable, type Redis, SqlConn } from '../src/index.ts'

const MYSQL = { host: '127.0.0.1', port: 3306, user: 'looklook', password: 'looklook' }
const DATABASE = 'looklook_test'
const name = `t_spans_${randomBytes(4).toString('hex')}`
const table = defineTable({ database: DATABASE, table: name, columns: { mobile: 'string', secret: 'string' }, uniqueKeys: [['mobile']] })
const Model = defineModel(table)

const exporter = new InMemorySpanExporter()
// AlwaysOn: if the model made spans without a recording parent, they would be recorded roots and show up here.
const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] })
const contextManager = new AsyncLocalStorageContextManager()
let db: SqlConn
let redis: Redis
let model: InstanceType<typeof Model>

before(async () => {
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(contextManager.enable())
  const admin = await createConnection(MYSQL)
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${DATABASE}\``)
  await admin.query(`CREATE TABLE \`${DATABASE}\`.\`${name}\` (
    \`id\` bigint NOT NULL AUTO_INCREMENT,
    \`create_time\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    \`update_time\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    \`delete_time\` datetime NOT NULL DEFAULT '1970-01-01 08:00:00',
    \`del_state\` tinyint NOT NULL DEFAULT '0',
    \`version\` bigint NOT NULL DEFAULT '0',
    \`mobile\` char(11) NOT NULL DEFAULT '',
    \`secret\` varchar(64) NOT NULL DEFAULT '',
    PRIMARY KEY (\`id\`),
    UNIQUE KEY \`idx_mobile\` (\`mobile\`)
  ) ENGINE=InnoDB`)
  await admin.end()
  db = new SqlConn(
    createPool({ DataSource: `mysql://${MYSQL.user}:${MYSQL.password}@${MYSQL.host}:${MYSQL.port}/${DATABASE}`, PoolSize: 2 }),
  )
  redis = createRedis({ Host: '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: '' })
  model = new Model(db, new Cache(redis))
})

after(async () => {
  await db.exec(`DROP TABLE IF EXISTS \`${name}\``)
  await db.close()
  redis.disconnect()
  await provider.shutdown()
  trace.disable()
  context.disable()
})

/** Runs `fn` inside a recording span and returns the spans finished under it (the parent excluded). */
async function within(fn: () => Promise<unknown>): Promise<{ parent: Span; spans: ReadableSpan[] }> {
  exporter.reset()
  const parent = trace.getTracer('test').startSpan('request')
  await context.with(trace.setSpan(context.active(), parent), fn)
  parent.end()
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().spanId !== parent.spanContext().spanId)
  return { parent, spans }
}

function uniqueMobile(): string {
  return `1${String(Date.now()).slice(-6)}${randomBytes(2).readUInt16BE() % 10_000}`.padEnd(11, '0').slice(0, 11)
}

function assertNoValues(spans: ReadableSpan[], values: string[]): void {
  for (const s of spans) {
    const text = JSON.stringify({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })
    for (const v of values) assert.ok(!text.includes(v), `${s.name} carries ${v}: ${text}`)
    assert.equal(s.attributes['db.statement'], undefined, `${s.name} has no statement text`)
    assert.equal(s.attributes['db.query.text'], undefined, `${s.name} has no statement text`)
  }
}

test('outside a recording span neither SQL nor Redis makes a span', async () => {
  exporter.reset()
  const id = await model.insert({ mobile: uniqueMobile(), secret: 's' })
  await model.findOne(id)
  await redis.get(`spans-test:${id}`)
  assert.deepEqual(
    exporter.getFinishedSpans().map((s) => s.name),
    [],
  )
})

test('a cache miss makes Redis and SQL client spans under the request span, with names and no values', async () => {
  const mobile = uniqueMobile()
  const secret = `pw-${randomBytes(6).toString('hex')}`
  const id = await model.insert({ mobile, secret })
  await model.cache.del(model.cacheKeys({ id, mobile }))

  const { parent, spans } = await within(() => model.findOneBy({ mobile }))
  assert.deepEqual(
    spans.map((s) => s.name),
    [`redis GET`, 'redis SET', `sql SELECT ${name}`, 'redis EVAL'],
    'index key miss, its lease taken, the row by mobile, then the index and the primary entry written under the lease',
  )
  for (const s of spans) {
    assert.equal(s.parentSpanContext?.spanId, parent.spanContext().spanId, `${s.name} is a child of the request span`)
    assert.equal(s.kind, 2, `${s.name} is a client span`)
  }
  const select = spans[2]
  assert.deepEqual(
    {
      system: select?.attributes['db.system'],
      op: select?.attributes['db.operation.name'],
      table: select?.attributes['db.collection.name'],
      ns: select?.attributes['db.namespace'],
      port: select?.attributes['server.port'],
    },
    { system: 'mysql', op: 'SELECT', table: name, ns: DATABASE, port: 3306 },
  )
  assert.deepEqual(
    { system: spans[0]?.attributes['db.system'], op: spans[0]?.attributes['db.operation.name'], ns: spans[0]?.attributes['db.namespace'] },
    { system: 'redis', op: 'GET', ns: '0' },
  )
  assertNoValues(spans, [mobile, secret, 'cache:'])
})

test('writes, transactions and failures are spanned; a failure names the error code, not the value it quotes', async () => {
  const mobile = uniqueMobile()
  const secret = `pw-${randomBytes(6).toString('hex')}`
  const { spans } = await within(async () => {
    await db.transact(async (tx) => {
      await model.insert({ mobile, secret }, tx)
    })
    await model.insert({ mobile, secret }).catch(() => undefined)
  })
  assert.deepEqual(
    spans.map((s) => s.name),
    ['sql BEGIN', `sql INSERT ${name}`, 'sql COMMIT', 'redis DEL', `sql INSERT ${name}`],
  )
  const dup = spans[4]
  assert.equal(dup?.status.code, 2, 'the duplicate insert is an error span')
  assert.equal(dup?.attributes['error.type'], 'ER_DUP_ENTRY')
  assert.equal(spans[1]?.attributes['db.operation.name'], 'INSERT')
  assertNoValues(spans, [mobile, secret])
})

test('every command of a pipeline gets its own span', async () => {
  const key = `spans-test:${randomBytes(4).toString('hex')}`
  const { spans } = await within(() => redis.pipeline().set(key, 'v', 'EX', 5).get(key).del(key).exec())
  assert.deepEqual(
    spans.map((s) => s.name),
    ['redis SET', 'redis GET', 'redis DEL'],
  )
  assertNoValues(spans, [key])
})
