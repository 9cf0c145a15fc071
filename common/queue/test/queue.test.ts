import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { after, test } from 'node:test'
import type { TRedisConf } from '@looklook/conf'
import { createLogger } from '@looklook/logx'
import { registry } from '@looklook/metrics'
import { context, propagation, SpanKind, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Type } from '@sinclair/typebox'
import {
  createJobQueue,
  createJobWorker,
  defineJob,
  handle,
  type JobQueue,
  type JobWorker,
  TRACE_FIELD,
  UnrecoverableError,
} from '../src/index.ts'

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))

const redis: TRedisConf = { Host: process.env.REDIS_HOST ?? '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: '' }
const lines: { content: string; [k: string]: unknown }[] = []
const logger = createLogger({
  service: 'queue-test',
  destination: new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l))
      done()
    },
  }),
})

const Ping = defineJob('test:ping', Type.Object({ n: Type.Integer() }))
const opened: { queue: JobQueue; worker?: JobWorker }[] = []

after(async () => {
  for (const { queue, worker } of opened) {
    await worker?.stop()
    await queue.queue.obliterate({ force: true })
    await queue.close()
  }
  context.disable()
  propagation.disable()
  trace.disable()
})

function fresh(): { name: string; queue: JobQueue; attach(w: JobWorker): Promise<void> } {
  const name = `test-${randomUUID()}`
  const queue = createJobQueue(name, { redis, logger, defaultJobOptions: { backoff: { type: 'fixed', delay: 50 } } })
  const entry: { queue: JobQueue; worker?: JobWorker } = { queue }
  opened.push(entry)
  return {
    name,
    queue,
    async attach(w) {
      entry.worker = w
      await w.start()
    },
  }
}

async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

test('a delayed job runs after its delay, in the trace of whoever added it', async () => {
  const q = fresh()
  const runs: { n: number; at: number; traceId: string | undefined }[] = []
  await q.attach(
    createJobWorker(q.name, {
      redis,
      logger,
      handlers: [
        handle(Ping, async ({ n }) => {
          runs.push({ n, at: Date.now(), traceId: trace.getActiveSpan()?.spanContext().traceId })
        }),
      ],
    }),
  )
  await q.queue.ready()
  const root = trace.getTracer('test').startSpan('caller')
  const added = Date.now()
  const job = await context.with(trace.setSpan(context.active(), root), () => q.queue.add(Ping, { n: 7 }, { delay: 1200 }))
  root.end()
  assert.match(String((job.data as Record<string, Record<string, string>>)[TRACE_FIELD]?.traceparent), /^00-[0-9a-f]{32}-/)
  await until(() => runs.length === 1, 10_000, 'the delayed job')
  const [run] = runs
  assert.equal(run?.n, 7, 'the handler sees the payload without the trace field')
  assert.ok((run?.at ?? 0) - added >= 1200, `ran ${(run?.at ?? 0) - added} ms after it was added`)
  assert.equal(run?.traceId, root.spanContext().traceId)
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId)
  assert.ok(spans.some((s) => s.kind === SpanKind.PRODUCER && s.name === 'test:ping publish'))
  assert.ok(spans.some((s) => s.kind === SpanKind.CONSUMER && s.name === 'test:ping process'))
})

test('adding a job twice with the same jobId schedules it once', async () => {
  const q = fresh()
  await q.queue.ready()
  const a = await q.queue.add(Ping, { n: 1 }, { jobId: 'HSO-dup', delay: 800 })
  const b = await q.queue.add(Ping, { n: 2 }, { jobId: 'HSO-dup', delay: 800 })
  assert.equal(b.id, a.id)
  assert.equal(await q.queue.queue.getDelayedCount(), 1)
  const runs: number[] = []
  await q.attach(createJobWorker(q.name, { redis, logger, handlers: [handle(Ping, async ({ n }) => void runs.push(n))] }))
  await until(() => runs.length === 1, 10_000, 'the job')
  await new Promise((r) => setTimeout(r, 500))
  assert.deepEqual(runs, [1], 'the first job wins and runs once')
})

test('transient errors are retried; poison jobs fail at once without retries', async () => {
  const q = fresh()
  const Strict = defineJob('test:strict', Type.Object({ sn: Type.String({ minLength: 3 }) }))
  const calls: string[] = []
  await q.attach(
    createJobWorker(q.name, {
      redis,
      logger,
      handlers: [
        handle(Ping, async ({ n }, job) => {
          calls.push(`ping${n}/${job.attemptsMade + 1}`)
          if (n === 1 && job.attemptsMade < 2) throw new Error('dependency briefly down')
          if (n === 2) throw new UnrecoverableError('order does not exist')
        }),
        handle(Strict, async ({ sn }) => void calls.push(`strict ${sn}`)),
      ],
    }),
  )
  await q.queue.ready()
  const retried = await q.queue.add(Ping, { n: 1 })
  const unrecoverable = await q.queue.add(Ping, { n: 2 })
  // Bypasses the producer's check, as a foreign producer or an old release could.
  const invalid = await q.queue.queue.add('test:strict', { sn: 'x' })
  const unknown = await q.queue.queue.add('test:nobody', { n: 1 })
  const state = (id: string | undefined) => q.queue.queue.getJobState(id ?? '')
  for (const job of [retried, unrecoverable, invalid, unknown]) {
    const deadline = Date.now() + 10_000
    while (!['completed', 'failed'].includes(await state(job.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
  }
  assert.equal(await state(retried.id), 'completed')
  assert.equal(await state(unrecoverable.id), 'failed')
  assert.equal(await state(invalid.id), 'failed')
  assert.equal(await state(unknown.id), 'failed')
  assert.deepEqual(
    calls.sort(),
    ['ping1/1', 'ping1/2', 'ping1/3', 'ping2/1'],
    'poison jobs ran at most once; invalid data never reached a handler',
  )
  assert.equal((await q.queue.queue.getJob(unrecoverable.id ?? ''))?.attemptsMade, 1)
  assert.ok(lines.some((l) => l.content === 'poison job failed without retry' && l.jobName === 'test:nobody'))
})

test('bullmq_queue_depth reports the jobs per state at scrape time', async () => {
  const q = fresh()
  await q.queue.ready()
  await q.queue.add(Ping, { n: 1 }, { delay: 60_000 })
  await q.queue.add(Ping, { n: 2 }, { delay: 60_000 })
  await q.queue.add(Ping, { n: 3 })
  const text = await registry.metrics()
  assert.match(text, new RegExp(`bullmq_queue_depth\\{queue="${q.name}",state="delayed"\\} 2`))
  assert.match(text, new RegExp(`bullmq_queue_depth\\{queue="${q.name}",state="waiting"\\} 1`))
})

test('a job scheduler repeats its job', async () => {
  const q = fresh()
  const runs: number[] = []
  await q.attach(createJobWorker(q.name, { redis, logger, handlers: [handle(Ping, async ({ n }) => void runs.push(n))] }))
  await q.queue.schedule('every-300ms', { every: 300 }, Ping, { n: 5 })
  await q.queue.schedule('every-300ms', { every: 300 }, Ping, { n: 5 })
  await until(() => runs.length >= 3, 10_000, 'three runs')
  assert.deepEqual(runs.slice(0, 3), [5, 5, 5])
  assert.equal((await q.queue.queue.getJobSchedulers()).length, 1, 'upserting twice keeps one scheduler')
})
