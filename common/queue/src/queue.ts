import type { TRedisConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { type DefaultJobOptions, type Job, type JobsOptions, Queue, type RepeatOptions } from 'bullmq'
import { bullConnection, bullPrefix } from './connection.ts'
import type { JobData, JobDef } from './jobs.ts'
import { monitorQueue, unmonitorQueue } from './metrics.ts'
import { currentCarrier, TRACE_FIELD } from './trace.ts'

const tracer = trace.getTracer('looklook-queue')

/** Options of {@link createJobQueue}. */
export interface JobQueueOptions {
  redis: TRedisConf
  logger: Logger
  /** Defaults for every job; merged over {@link DEFAULT_JOB_OPTIONS}. */
  defaultJobOptions?: DefaultJobOptions
  /** Report this queue in `bullmq_queue_depth` (default true). */
  monitor?: boolean
}

/**
 * Five tries with exponential backoff from 1 s; finished jobs are kept an hour (completed) or a
 * week (failed) so bull-board can show them, then trimmed.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
}

/** The producer side of one BullMQ queue, typed by job definitions. */
export interface JobQueue {
  readonly name: string
  readonly queue: Queue
  /** Waits for the Redis connection (rejects while Redis is unreachable). */
  ready(): Promise<void>
  /**
   * Adds a job of type `def` (data validated against its schema; the active trace context is
   * stored beside it). With a `jobId` that exists already, BullMQ keeps the existing job: adding
   * twice schedules once.
   */
  add<D extends JobDef>(def: D, data: JobData<D>, opts?: JobsOptions): Promise<Job>
  /** Creates or updates a repeatable job (a BullMQ job scheduler) with a fixed id. */
  schedule<D extends JobDef>(id: string, repeat: Omit<RepeatOptions, 'key'>, def: D, data: JobData<D>): Promise<void>
  close(): Promise<void>
}

function checkData(def: JobDef<TSchema>, data: unknown): void {
  const first = Value.Errors(def.schema, data).First()
  if (first) throw new Error(`job ${def.name}: invalid data at ${first.path || '/'}: ${first.message}`)
}

/** Opens the producer side of queue `name` (the go-zero-looklook asynq client). */
export function createJobQueue(name: string, opts: JobQueueOptions): JobQueue {
  const queue = new Queue(name, {
    connection: bullConnection(opts.redis, 'producer'),
    prefix: bullPrefix(opts.redis),
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...opts.defaultJobOptions },
  })
  // An EventEmitter 'error' without a listener would crash the process; a Redis outage is logged instead.
  let down = false
  queue.on('error', (err) => {
    if (down) return
    down = true
    opts.logger.error({ err, queue: name }, 'bullmq queue connection error')
  })
  if (opts.monitor !== false) monitorQueue(name, queue)

  return {
    name,
    queue,
    async ready() {
      await queue.waitUntilReady()
      down = false
    },
    async add(def, data, jobOpts) {
      checkData(def, data)
      const span = tracer.startSpan(`${def.name} publish`, {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.system': 'bullmq', 'messaging.destination.name': name, 'bullmq.job.name': def.name },
      })
      try {
        const job = await context.with(trace.setSpan(context.active(), span), () =>
          queue.add(def.name, { ...(data as object), [TRACE_FIELD]: currentCarrier() }, jobOpts),
        )
        if (job.id) span.setAttribute('bullmq.job.id', job.id)
        down = false
        return job
      } catch (err) {
        span.recordException(err as Error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message })
        throw err
      } finally {
        span.end()
      }
    },
    async schedule(id, repeat, def, data) {
      checkData(def, data)
      await queue.upsertJobScheduler(id, repeat, { name: def.name, data: data as object })
    },
    async close() {
      unmonitorQueue(name, queue)
      await queue.close()
    },
  }
}
