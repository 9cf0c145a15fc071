import type { Logger } from '@looklook/logx'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { CompressionTypes, Kafka, Partitioners, type Producer } from 'kafkajs'
import { headersSetter } from './headers.ts'
import { KAFKA_LOG_LEVEL, kafkaLogCreator } from './logger.ts'
import { kafkaProducerMessages } from './metrics.ts'

const tracer = trace.getTracer('looklook-kq')

/** Options of a {@link KafkaPusher}. */
export interface PusherOptions {
  brokers: string[]
  clientId: string
  logger: Logger
  /**
   * Upper bound of one `push`, connecting included (default 1500 ms): below the 2 s rpc timeout
   * of mqueue-rpc's callers, so they hear "not delivered" from us rather than a deadline error.
   */
  sendTimeoutMs?: number
}

/** Per-push options. */
export interface PushOptions {
  /** Partitioning key: messages with one key stay in order (e.g. the order sn). */
  key?: string
  /** Extra headers; the W3C trace context of the active span is added to them. */
  headers?: Record<string, string>
}

/**
 * A Kafka producer with go-zero kq's `Push` shape. Every write is acknowledged by all in-sync
 * replicas (acks = -1) and a failed write rejects: while Kafka is down `push` fails within
 * `sendTimeoutMs`, so the caller knows the message was not delivered and can retry or keep it.
 *
 * Not kafkajs's idempotent mode: it needs unbounded retries to keep its guarantee, which would
 * leave callers waiting for ever during an outage. A retried push may therefore write a message
 * twice, and every consumer in this project is idempotent.
 */
export class KafkaPusher {
  readonly #producer: Producer
  readonly #logger: Logger
  readonly #timeoutMs: number
  #connected = false
  #connecting: Promise<void> | undefined
  #closed = false

  constructor(opts: PusherOptions) {
    this.#logger = opts.logger
    this.#timeoutMs = opts.sendTimeoutMs ?? 1500
    const kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: KAFKA_LOG_LEVEL,
      logCreator: kafkaLogCreator(opts.logger),
      connectionTimeout: 1000,
      requestTimeout: this.#timeoutMs,
      // A few quick retries ride out a leader move; an outage fails the push instead of hanging it.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    })
    this.#producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true })
    this.#producer.on(this.#producer.events.DISCONNECT, () => {
      this.#connected = false
    })
  }

  /** Connects now (optional: `push` connects on demand). Rejects when Kafka is unreachable. */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('kafka producer is closed'))
    if (this.#connected) return Promise.resolve()
    this.#connecting ??= this.#producer
      .connect()
      .then(() => {
        this.#connected = true
      })
      .finally(() => {
        this.#connecting = undefined
      })
    return this.#connecting
  }

  /**
   * Writes one message. `value` objects are JSON-encoded. Resolves once Kafka acknowledged it;
   * rejects (and counts `result="error"`) when it could not be written in time.
   */
  async push(topic: string, value: string | object, opts: PushOptions = {}): Promise<void> {
    const payload = typeof value === 'string' ? value : JSON.stringify(value)
    const span = tracer.startSpan(`${topic} publish`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'publish' },
    })
    const headers: Record<string, string> = { ...opts.headers }
    propagation.inject(trace.setSpan(context.active(), span), headers, headersSetter)
    try {
      await withTimeout(
        (async () => {
          await this.connect()
          await this.#producer.send({
            topic,
            acks: -1,
            compression: CompressionTypes.None,
            messages: [{ key: opts.key ?? null, value: payload, headers }],
          })
        })(),
        this.#timeoutMs,
        `kafka push to ${topic} timed out after ${this.#timeoutMs} ms`,
      )
      kafkaProducerMessages.inc({ topic, result: 'ok' })
    } catch (err) {
      kafkaProducerMessages.inc({ topic, result: 'error' })
      span.recordException(err as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message })
      this.#logger.error({ err, topic, key: opts.key }, 'kafka push failed')
      throw new Error(`kafka push to ${topic} failed`, { cause: err })
    } finally {
      span.end()
    }
  }

  /** Disconnects; pending sends finish or fail first. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#connecting?.catch(() => undefined)
    await this.#producer.disconnect()
    this.#connected = false
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  // The losing promise may still reject later; keep that from becoming an unhandled rejection.
  work.catch(() => undefined)
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
