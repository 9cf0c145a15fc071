import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { createLogger, type Logger } from '@looklook/logx'
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Kafka, logLevel } from 'kafkajs'

export const BROKERS = [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092']

/** What the process bootstrap registers; spans go to memory so tests can read them. */
export function installTracing(): { exporter: InMemorySpanExporter; uninstall(): void } {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  const exporter = new InMemorySpanExporter()
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))
  return {
    exporter,
    uninstall() {
      context.disable()
      propagation.disable()
      trace.disable()
    },
  }
}

export interface LogLine {
  level: string
  content: string
  [key: string]: unknown
}

/** A JSON logger whose lines the test can read back. */
export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as LogLine)
      done()
    },
  })
  return { logger: createLogger({ service: 'kq-test', level: 'debug', destination }), lines }
}

/** Creates a fresh single-partition topic for one test. */
export async function freshTopic(prefix: string): Promise<string> {
  const topic = `test-${prefix}-${randomUUID()}`
  const admin = new Kafka({ clientId: 'kq-test-admin', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })
  } finally {
    await admin.disconnect()
  }
  return topic
}

/** Deletes test topics so repeated runs do not pile them up on the broker. */
export async function deleteTopics(topics: string[]): Promise<void> {
  if (topics.length === 0) return
  const admin = new Kafka({ clientId: 'kq-test-admin', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.deleteTopics({ topics })
  } finally {
    await admin.disconnect()
  }
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
