import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { registry } from '@looklook/metrics'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { Type } from '@sinclair/typebox'
import {
  createConsumer,
  type KafkaConsumer,
  KafkaPusher,
  type MessageMeta,
  PaymentUpdatePayStatusMessage,
  PoisonMessageError,
} from '../src/index.ts'
import { BROKERS, deleteTopics, freshTopic, installTracing, memoryLogger, until } from './helpers.ts'

const tracing = installTracing()
const { logger, lines } = memoryLogger()
const topics: string[] = []
const running: KafkaConsumer[] = []
let pusher: KafkaPusher

const Item = Type.Object({ n: Type.Integer() })

before(async () => {
  pusher = new KafkaPusher({ brokers: BROKERS, clientId: 'kq-test', logger })
  await pusher.connect()
})

after(async () => {
  for (const c of running) await c.stop()
  await pusher.close()
  await deleteTopics(topics)
  tracing.uninstall()
})

async function topic(prefix: string): Promise<string> {
  const t = await freshTopic(prefix)
  topics.push(t)
  return t
}

async function start(c: KafkaConsumer): Promise<KafkaConsumer> {
  running.push(c)
  await c.start()
  return c
}

async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name)
  const data = await metric?.get()
  return data?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value
}

test('a pushed message reaches the group handler, decoded, inside a span of the producer trace', async () => {
  const t = await topic('roundtrip')
  const seen: { value: PaymentUpdatePayStatusMessage; meta: MessageMeta; traceId: string | undefined }[] = []
  await start(
    createConsumer({
      brokers: BROKERS,
      groupId: `g-${randomUUID()}`,
      topic: t,
      logger,
      schema: PaymentUpdatePayStatusMessage,
      handler: async (value, meta) => {
        seen.push({ value, meta, traceId: trace.getActiveSpan()?.spanContext().traceId })
      },
    }),
  )
  const root = trace.getTracer('test').startSpan('caller')
  await context.with(trace.setSpan(context.active(), root), () =>
    pusher.push(t, { payStatus: 1, orderSn: 'HSO1', extra: 'dropped' }, { key: 'HSO1' }),
  )
  root.end()
  await until(() => seen.length === 1, 15_000, 'the message')
  const [got] = seen
  assert.deepEqual(got?.value, { payStatus: 1, orderSn: 'HSO1' }, 'unknown fields are dropped by the decoder')
  assert.equal(got?.meta.key, 'HSO1')
  assert.equal(got?.meta.attempt, 1)
  const traceId = root.spanContext().traceId
  assert.match(got?.meta.headers.traceparent ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'traceparent travels in the headers')
  assert.equal(got?.traceId, traceId, 'the handler runs in the producer trace')
  const spans = tracing.exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)
  const producer = spans.find((s) => s.kind === SpanKind.PRODUCER)
  const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER)
  assert.equal(producer?.name, `${t} publish`)
  assert.equal(consumer?.name, `${t} process`)
  assert.equal(consumer?.parentSpanContext?.spanId, producer?.spanContext().spanId, 'consumer span is a child of the producer span')
  assert.equal(await metricValue('kafka_producer_messages_total', { topic: t, result: 'ok' }), 1)
})

test('poison messages are logged and skipped; the messages after them are still processed', async () => {
  const t = await topic('poison')
  const group = `g-${randomUUID()}`
  const seen: number[] = []
  await pusher.push(t, 'this is not json')
  await pusher.push(t, { n: 'not a number' })
  await pusher.push(t, { n: 13 })
  await pusher.push(t, { n: 2 })
  await start(
    createConsumer({
      brokers: BROKERS,
      groupId: group,
      topic: t,
      logger,
      schema: Item,
      handler: async ({ n }) => {
        // A handler can declare poison itself (e.g. the order does not exist): no retries.
        if (n === 13) throw new PoisonMessageError('unlucky number')
        seen.push(n)
      },
    }),
  )
  await until(() => seen.length === 1, 15_000, 'the good message')
  assert.deepEqual(seen, [2])
  assert.equal(await metricValue('kafka_consumer_messages_total', { topic: t, group, result: 'poison' }), 3)
  assert.equal(await metricValue('kafka_consumer_messages_total', { topic: t, group, result: 'ok' }), 1)
  const logged = lines.filter((l) => l.content === 'poison kafka message skipped' && l.topic === t)
  assert.equal(logged.length, 3)
  assert.ok(
    logged.some((l) => l.value === 'this is not json'),
    'the raw value is logged for a later replay',
  )
})

test('a failing handler is retried with backoff, then the message is given up and the next one processed', async () => {
  const t = await topic('retry')
  const group = `g-${randomUUID()}`
  const calls: { n: number; attempt: number }[] = []
  await pusher.push(t, { n: 1 })
  await pusher.push(t, { n: 2 })
  await pusher.push(t, { n: 3 })
  await start(
    createConsumer({
      brokers: BROKERS,
      groupId: group,
      topic: t,
      logger,
      schema: Item,
      retry: { attempts: 3, initialBackoffMs: 20, maxBackoffMs: 50 },
      handler: async ({ n }, meta) => {
        calls.push({ n, attempt: meta.attempt })
        if (n === 1 && meta.attempt < 3) throw new Error('dependency briefly down')
        if (n === 2) throw new Error('dependency down for good')
      },
    }),
  )
  await until(() => calls.some((c) => c.n === 3), 15_000, 'message 3')
  assert.deepEqual(
    calls.map((c) => `${c.n}/${c.attempt}`),
    ['1/1', '1/2', '1/3', '2/1', '2/2', '2/3', '3/1'],
  )
  assert.equal(await metricValue('kafka_consumer_messages_total', { topic: t, group, result: 'failed' }), 1)
  assert.equal(await metricValue('kafka_consumer_messages_total', { topic: t, group, result: 'ok' }), 2)
  assert.equal(await metricValue('kafka_consumer_retries_total', { topic: t, group }), 4)
})

test('offsets are committed after the handler: a stopped member leaves the unfinished message to the next one', async () => {
  const t = await topic('commit')
  const group = `g-${randomUUID()}`
  const first: number[] = []
  await pusher.push(t, { n: 1 })
  await pusher.push(t, { n: 2 })
  const a = await start(
    createConsumer({
      brokers: BROKERS,
      groupId: group,
      topic: t,
      logger,
      schema: Item,
      // Message 2 keeps failing with a long backoff: it is still in hand when the member stops.
      retry: { attempts: 10, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      handler: async ({ n }) => {
        first.push(n)
        if (n === 2) throw new Error('not yet')
      },
    }),
  )
  await until(() => first.includes(2), 15_000, 'message 2 in the first member')
  const stopStarted = Date.now()
  await a.stop()
  assert.ok(Date.now() - stopStarted < 10_000, 'stop cuts the backoff short')

  const second: number[] = []
  await start(
    createConsumer({
      brokers: BROKERS,
      groupId: group,
      topic: t,
      logger,
      schema: Item,
      handler: async ({ n }) => {
        second.push(n)
      },
    }),
  )
  await until(() => second.length > 0, 15_000, 'the redelivered message')
  assert.deepEqual(second, [2], 'message 1 was committed, message 2 was not')
})

test('kafka_consumer_lag counts the messages behind the one just finished', async () => {
  const t = await topic('lag')
  const group = `g-${randomUUID()}`
  for (let n = 1; n <= 3; n++) await pusher.push(t, { n })
  const lagSeen: (number | undefined)[] = []
  await start(
    createConsumer({
      brokers: BROKERS,
      groupId: group,
      topic: t,
      logger,
      schema: Item,
      handler: async () => {
        lagSeen.push(await metricValue('kafka_consumer_lag', { topic: t, partition: '0', group }))
      },
    }),
  )
  await until(() => lagSeen.length === 3, 15_000, 'three messages')
  // Before the first message nothing is known; after message 1 of 3 two are behind, after 2 one.
  assert.deepEqual(lagSeen, [undefined, 2, 1])
  // The gauge is set right after the handler of message 3 returns.
  let last: number | undefined
  for (let i = 0; i < 100 && last !== 0; i++) {
    await new Promise((r) => setTimeout(r, 50))
    last = await metricValue('kafka_consumer_lag', { topic: t, partition: '0', group })
  }
  assert.equal(last, 0)
})

test('push rejects, within its timeout, when Kafka cannot be reached', async () => {
  const down = new KafkaPusher({ brokers: ['127.0.0.1:1'], clientId: 'kq-test-down', logger, sendTimeoutMs: 1500 })
  const t0 = Date.now()
  await assert.rejects(down.push('looklook-nowhere', { n: 1 }), /kafka push to looklook-nowhere failed/)
  assert.ok(Date.now() - t0 < 3000, `rejected after ${Date.now() - t0} ms`)
  assert.equal(await metricValue('kafka_producer_messages_total', { topic: 'looklook-nowhere', result: 'error' }), 1)
  await down.close()
})
