import { type Static, type TSchema, Type } from '@sinclair/typebox'

/** A job type: its BullMQ job name and the shape of its data. */
export interface JobDef<S extends TSchema = TSchema> {
  name: string
  schema: S
}

/** Declares a job type (one per job file, the asynq task type of the Go original). */
export function defineJob<S extends TSchema>(name: string, schema: S): JobDef<S> {
  return { name, schema }
}

export type JobData<D extends JobDef> = Static<D['schema']>

/**
 * The order domain's queue and its jobs, the go-zero-looklook `jobtype` package. BullMQ queue
 * names cannot contain `:`, so the Go task types live on as job names.
 */
export const HOMESTAY_ORDER_QUEUE = 'homestay-order'

/** Scheduled by mqueue-rpc when an order is created; order-mq cancels the order if it is still unpaid. */
export const CloseHomestayOrderJob = defineJob('homestay:order:close', Type.Object({ sn: Type.String({ minLength: 1, maxLength: 64 }) }))

/** Repeatable (mqueue-scheduler): paid orders whose stay ended become expired. */
export const ExpirePaidOrdersJob = defineJob(
  'homestay:order:expire-paid',
  Type.Object({ batchSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }) }),
)

/** Repeatable (mqueue-scheduler): wait-pay orders older than the close delay are cancelled, in case a close job was lost. */
export const CloseStaleOrdersJob = defineJob(
  'homestay:order:close-stale',
  Type.Object({
    olderThanSeconds: Type.Integer({ minimum: 1 }),
    batchSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
  }),
)
