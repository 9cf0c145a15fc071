import { type Static, Type } from '@looklook/conf'
import type { ServiceContext } from '../svc-context.ts'

/** A message of the {{topic}} topic; one that does not fit is logged and skipped by the consumer. */
export const {{Topic}}Message = Type.Object({ id: Type.Integer({ minimum: 1 }) })
export type {{Topic}}Message = Static<typeof {{Topic}}Message>

/** Handles one {{topic}} message; throw PoisonMessageError (@looklook/kq) for one that retrying cannot fix. */
export async function {{topicFn}}(svc: ServiceContext, msg: {{Topic}}Message): Promise<void> {
  svc.logger.info({ id: msg.id }, '{{topic}} handled')
}
