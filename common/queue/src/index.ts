/**
 * BullMQ for looklook (delayed and repeatable jobs on Redis, the asynq of the Go original):
 * typed job definitions, a producer that stores the W3C trace context in the job data, a worker
 * that dispatches by job name inside a consumer span and treats bad jobs as poison
 * (`UnrecoverableError`), Redis connections as the BullMQ docs prescribe, and the
 * `bullmq_queue_depth` gauge on the shared registry.
 */
export { UnrecoverableError } from 'bullmq'
export { bullConnection, bullPrefix } from './connection.ts'
export {
  CloseHomestayOrderJob,
  CloseStaleOrdersJob,
  defineJob,
  ExpirePaidOrdersJob,
  HOMESTAY_ORDER_QUEUE,
  type JobData,
  type JobDef,
} from './jobs.ts'
export { bullmqJobs, bullmqQueueDepth } from './metrics.ts'
export { createJobQueue, DEFAULT_JOB_OPTIONS, type JobQueue, type JobQueueOptions } from './queue.ts'
export { TRACE_FIELD } from './trace.ts'
export { createJobWorker, handle, type JobHandler, type JobWorker, type JobWorkerOptions } from './worker.ts'
