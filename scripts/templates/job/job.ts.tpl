import { defineJob, type JobData } from '@looklook/queue'
import { Type } from '@looklook/conf'
import type { ServiceContext } from '../svc-context.ts'

/** The {{job}} job: its BullMQ name and payload (move it to the rpc's contract.ts once another process enqueues it). */
export const {{Job}}Job = defineJob('{{domain}}:{{job}}', Type.Object({ id: Type.Integer({ minimum: 1 }) }))

/** Runs one {{job}} job; throw UnrecoverableError (@looklook/queue) for a job that retrying cannot fix. */
export async function {{jobFn}}(svc: ServiceContext, data: JobData<typeof {{Job}}Job>): Promise<void> {
  svc.logger.info({ id: data.id }, '{{job}} done')
}
