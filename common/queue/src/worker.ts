import type { TRedisConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { type Job, UnrecoverableError, Worker } from 'bullmq'
import { bullConnection, bullPrefix } from './connection.ts'
import type { JobDef } from './jobs.ts'
import { bullmqJobs } from './metrics.ts'
import { splitTrace } from './trace.ts'

const tracer = trace.getTracer('looklook-queue')

/** One job type's handler; build it with {@link handle} so data and schema agree. */
export interface JobHandler {
  def: JobDef
  run(data: unknown, job: Job): Promise<void>
}

/**
 * Binds a handler to a job type. The handler gets data already validated against the schema.
 * Throw `UnrecoverableError` for a job that can never succeed (it fails at once, no retries);
 * any other error is retried with the job's backoff until its attempts run out.
 */
export function handle<S extends TSchema>(def: JobDef<S>, run: (data: Static<S>, job: Job) => Promise<void>): JobHandler {
  return { def, run: (data, job) => run(data as Static<S>, job) }
}

/** Options of {@link createJobWorker}. */
export interface JobWorkerOptions {
  redis: TRedisConf
  logger: Logger
  handlers: JobHandler[]
  /** Jobs processed in parallel (default 1). */
  concurrency?: number
}

/** A queue's consumer side: a service-group part. */
export interface JobWorker {
  readonly worker: Worker
  /** Starts taking jobs once connected to Redis. */
  start(): Promise<void>
  /** Stops taking jobs and waits for the active ones to finish (`worker.close()`). */
  stop(): Promise<void>
}

/**
 * A BullMQ worker for queue `name` dispatching jobs to handlers by job name (the asynq ServeMux
 * of the Go original). Each job runs in a CONSUMER span whose parent is the trace stored in the
 * job data by whoever enqueued it. Unknown job names and data failing the schema are poison:
 * logged and failed with `UnrecoverableError`, so they are never retried.
 */
export function createJobWorker(name: string, opts: JobWorkerOptions): JobWorker {
  const log = opts.logger.child({ queue: name })
  const handlers = new Map(opts.handlers.map((h) => [h.def.name, h]))

  async function process(job: Job): Promise<void> {
    const { payload, carrier } = splitTrace(job.data)
    const parent = propagation.extract(ROOT_CONTEXT, carrier)
    const span = tracer.startSpan(
      `${job.name} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': name,
          'bullmq.job.name': job.name,
          'bullmq.job.id': job.id ?? '',
          'bullmq.job.attempt': job.attemptsMade + 1,
        },
      },
      parent,
    )
    try {
      await context.with(trace.setSpan(parent, span), async () => {
        const handler = handlers.get(job.name)
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`)
        const data = Value.Clean(handler.def.schema, Value.Default(handler.def.schema, Value.Clone(payload)))
        const first = Value.Errors(handler.def.schema, data).First()
        if (first) throw new UnrecoverableError(`invalid job data at ${first.path || '/'}: ${first.message}`)
        await handler.run(data, job)
      })
    } catch (err) {
      span.recordException(err as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message })
      throw err
    } finally {
      span.end()
    }
  }

  const worker = new Worker(name, process, {
    connection: bullConnection(opts.redis, 'worker'),
    prefix: bullPrefix(opts.redis),
    concurrency: opts.concurrency ?? 1,
    autorun: false,
  })
  worker.on('completed', (job) => {
    bullmqJobs.inc({ queue: name, name: job.name, result: 'ok' })
  })
  worker.on('failed', (job, err) => {
    if (!job) return
    const where = { err, jobName: job.name, jobId: job.id, attemptsMade: job.attemptsMade, data: splitTrace(job.data).payload }
    if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError') {
      bullmqJobs.inc({ queue: name, name: job.name, result: 'poison' })
      log.error(where, 'poison job failed without retry')
    } else if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      bullmqJobs.inc({ queue: name, name: job.name, result: 'failed' })
      log.error(where, 'job failed on its last attempt')
    } else {
      bullmqJobs.inc({ queue: name, name: job.name, result: 'retry' })
      log.warn(where, 'job failed, will retry')
    }
  })
  // Without a listener an 'error' event would throw; connection trouble is retried by ioredis.
  worker.on('error', (err) => log.error({ err }, 'bullmq worker error'))

  let running: Promise<void> | undefined
  return {
    worker,
    async start() {
      await worker.waitUntilReady()
      running = worker.run().catch((err: unknown) => log.error({ err }, 'bullmq worker stopped with an error'))
    },
    async stop() {
      await worker.close()
      await running
    },
  }
}
