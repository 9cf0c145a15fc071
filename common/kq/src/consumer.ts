import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '@looklook/logx'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Static, TSchema } from '@sinclair/typebox'
import { type Consumer, type EachBatchPayload, Kafka, type KafkaMessage } from 'kafkajs'
import { jsonDecoder } from './decode.ts'
import { PoisonMessageError } from './errors.ts'
import { headersGetter, headersToStrings } from './headers.ts'
import { KAFKA_LOG_LEVEL, kafkaLogCreator } from './logger.ts'
import { kafkaConsumerLag, kafkaConsumerMessages, kafkaConsumerRetries } from './metrics.ts'

const tracer = trace.getTracer('looklook-kq')

/** Where a message came from, handed to the handler beside the decoded value. */
export interface MessageMeta {
  topic: string
  partition: number
  offset: string
  key: string | undefined
  headers: Record<string, string>
  /** 1 on the first try, then 2, 3 … while the handler is being retried. */
  attempt: number
}

/** How a failing handler is retried before its message is given up on. */
export interface RetryPolicy {
  /** Tries per message, the first included (default 5). */
  attempts: number
  /** Wait before the second try, doubled each time (default 500 ms). */
  initialBackoffMs: number
  /** Cap of one wait (default 10 000 ms). */
  maxBackoffMs: number
}

/** Options of {@link createConsumer}. */
export interface ConsumerOptions<S extends TSchema> {
  brokers: string[]
  groupId: string
  topic: string
  clientId?: string
  logger: Logger
  /** The JSON shape of the value; a value that is not JSON or does not match is poison. */
  schema: S
  handler: (message: Static<S>, meta: MessageMeta) => Promise<void>
  /** Where a group without committed offsets starts: the oldest message (default, go-zero `Offset: first`) or only new ones. */
  fromBeginning?: boolean
  retry?: Partial<RetryPolicy>
  /** How long `start` waits for the group to be joined before it resolves anyway (default 15 s). */
  joinTimeoutMs?: number
}

/** A running consumer group member: a service-group part (`start`/`stop`). */
export interface KafkaConsumer {
  /** Starts consuming; resolves once the group is joined, or after `joinTimeoutMs` while Kafka is unreachable. */
  start(): Promise<void>
  /** Finishes the message in hand (its offset is committed), leaves the group and disconnects. */
  stop(): Promise<void>
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialBackoffMs: 500, maxBackoffMs: 10_000 }
const SESSION_TIMEOUT_MS = 10_000
/** While backing off, heartbeat at least this often so the group does not evict us (well inside the session timeout). */
const HEARTBEAT_SLICE_MS = 3_000
/** Wait between attempts to bring a consumer back after it gave up (non-retriable crash, failed connect). */
const RESTART_DELAY_MS = 2_000

/**
 * A consumer-group member on one topic, the go-zero `kq.MustNewQueue` equivalent, built for
 * at-least-once processing that never stalls:
 *
 * - Offsets are committed only after the handler returned for that message (or gave it up), so a
 *   crash redelivers the message in hand. Handlers must be idempotent.
 * - Poison messages — not JSON, not matching `schema`, or the handler throws {@link PoisonMessageError} — are
 *   logged with their content and skipped at once (`result="poison"`).
 * - Other handler errors are retried with exponential backoff up to `retry.attempts` tries in
 *   all, heartbeating meanwhile; then the message is logged at error level with its content and
 *   skipped (`result="failed"`), so one broken dependency cannot hold the partition for ever.
 * - The trace context in the headers becomes the parent of a CONSUMER span the handler runs in.
 * - Kafka outages: kafkajs restarts the member after retriable crashes; a member that gave up
 *   for good (non-retriable crash, connect failing at boot) is replaced with a fresh one every
 *   2 s until Kafka answers again, so the process survives a broker restart without help.
 */
export function createConsumer<S extends TSchema>(opts: ConsumerOptions<S>): KafkaConsumer {
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry }
  const decode = jsonDecoder(opts.schema)
  const { logger, topic, groupId } = opts
  const log = logger.child({ topic, group: groupId })
  const kafka = new Kafka({
    clientId: opts.clientId ?? groupId,
    brokers: opts.brokers,
    logLevel: KAFKA_LOG_LEVEL,
    logCreator: kafkaLogCreator(log),
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 },
  })
  const stopping = new AbortController()
  let current: Consumer | undefined
  let supervisor: Promise<void> | undefined
  let joined: () => void = () => {}
  const firstJoin = new Promise<void>((resolve) => {
    joined = resolve
  })

  async function handleOne(message: KafkaMessage, partition: number, heartbeat: () => Promise<void>): Promise<'done' | 'stopped'> {
    const headers = message.headers ?? {}
    const parent = propagation.extract(context.active(), headers, headersGetter)
    const span = tracer.startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': groupId,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
        },
      },
      parent,
    )
    const ctx = trace.setSpan(parent, span)
    const where = { partition, offset: message.offset, key: message.key?.toString() }
    try {
      return await context.with(ctx, async () => {
        let value: Static<S>
        try {
          value = decode(message.value)
        } catch (err) {
          poison(span, err, where, message)
          return 'done'
        }
        for (let attempt = 1; ; attempt++) {
          const meta: MessageMeta = {
            topic,
            partition,
            offset: message.offset,
            key: where.key,
            headers: headersToStrings(headers),
            attempt,
          }
          try {
            await withHeartbeats(heartbeat, () => opts.handler(value, meta))
            kafkaConsumerMessages.inc({ topic, group: groupId, result: 'ok' })
            return 'done'
          } catch (err) {
            if (err instanceof PoisonMessageError) {
              poison(span, err, where, message)
              return 'done'
            }
            if (attempt >= retry.attempts) {
              kafkaConsumerMessages.inc({ topic, group: groupId, result: 'failed' })
              span.recordException(err as Error)
              span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message })
              log.error(
                { err, ...where, attempts: attempt, value: message.value?.toString() },
                'kafka message failed on every try, skipped',
              )
              return 'done'
            }
            kafkaConsumerRetries.inc({ topic, group: groupId })
            const backoff = Math.min(retry.initialBackoffMs * 2 ** (attempt - 1), retry.maxBackoffMs)
            log.warn({ err, ...where, attempt, backoffMs: backoff }, 'kafka handler failed, retrying')
            if (!(await pause(backoff, heartbeat))) return 'stopped'
          }
        }
      })
    } finally {
      span.end()
    }
  }

  function poison(span: ReturnType<typeof tracer.startSpan>, err: unknown, where: object, message: KafkaMessage): void {
    kafkaConsumerMessages.inc({ topic, group: groupId, result: 'poison' })
    span.recordException(err as Error)
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message })
    log.error({ err, ...where, value: message.value?.toString() }, 'poison kafka message skipped')
  }

  /** Keeps the membership alive while a slow handler runs (kafkajs heartbeats only when asked to). */
  async function withHeartbeats(heartbeat: () => Promise<void>, work: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => {
      heartbeat().catch(() => undefined)
    }, HEARTBEAT_SLICE_MS)
    try {
      await work()
    } finally {
      clearInterval(timer)
    }
  }

  /** Sleeps `ms` in slices, heartbeating between them; false when the consumer is stopping. */
  async function pause(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    let left = ms
    while (left > 0) {
      const slice = Math.min(left, HEARTBEAT_SLICE_MS)
      try {
        await sleep(slice, undefined, { signal: stopping.signal })
      } catch {
        return false
      }
      left -= slice
      // A failed heartbeat means a rebalance is under way; the batch will be seen as stale below.
      await heartbeat().catch(() => undefined)
    }
    return !stopping.signal.aborted
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload
    for (const message of batch.messages) {
      // Stop between messages: what was not handled stays uncommitted and is redelivered.
      if (!isRunning() || isStale() || stopping.signal.aborted) return
      if ((await handleOne(message, batch.partition, heartbeat)) === 'stopped') return
      resolveOffset(message.offset)
      await commitOffsetsIfNecessary()
      const lag = BigInt(batch.highWatermark) - BigInt(message.offset) - 1n
      kafkaConsumerLag.set({ topic, partition: String(batch.partition), group: groupId }, Number(lag > 0n ? lag : 0n))
      await heartbeat()
    }
  }

  /** One consumer's life: resolves when it has given up for good (or stop was called). */
  async function runOnce(): Promise<void> {
    const consumer = kafka.consumer({
      groupId,
      // A member that vanished with the broker (no LeaveGroup possible) blocks the next rebalance
      // until its session expires: 10 s instead of kafkajs's 30 s brings a restarted group back sooner.
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 3_000,
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 },
    })
    current = consumer
    const gaveUp = new Promise<void>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) resolve()
      })
    })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      log.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'kafka consumer joined the group')
      joined()
    })
    try {
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true })
      // Committing as soon as an offset is resolved keeps redelivery after a crash to the message in hand.
      await consumer.run({ eachBatchAutoResolve: false, autoCommitThreshold: 1, eachBatch })
      await Promise.race([gaveUp, aborted()])
    } catch (err) {
      if (!stopping.signal.aborted) log.error({ err }, 'kafka consumer could not start')
    }
    await consumer.disconnect().catch((err: unknown) => log.warn({ err }, 'kafka consumer disconnect failed'))
  }

  function aborted(): Promise<void> {
    return new Promise((resolve) => {
      if (stopping.signal.aborted) resolve()
      else stopping.signal.addEventListener('abort', () => resolve(), { once: true })
    })
  }

  async function supervise(): Promise<void> {
    while (!stopping.signal.aborted) {
      await runOnce()
      if (stopping.signal.aborted) break
      log.warn({ delayMs: RESTART_DELAY_MS }, 'kafka consumer stopped unexpectedly, starting a new one')
      await sleep(RESTART_DELAY_MS, undefined, { signal: stopping.signal }).catch(() => undefined)
    }
  }

  return {
    async start() {
      if (supervisor) return
      supervisor = supervise()
      const timeoutMs = opts.joinTimeoutMs ?? 15_000
      const timedOut = Symbol('timeout')
      const timer = sleep(timeoutMs, timedOut, { ref: false })
      if ((await Promise.race([firstJoin, timer])) === timedOut) {
        log.warn({ timeoutMs }, 'kafka consumer has not joined its group yet; it keeps trying in the background')
      }
    },
    async stop() {
      stopping.abort()
      // disconnect waits for the batch in hand, which ends at the next message boundary.
      await current?.disconnect().catch(() => undefined)
      await supervisor
    },
  }
}
