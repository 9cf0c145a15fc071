import { type CloseHomestayOrderJob, type JobData, UnrecoverableError } from '@looklook/queue'
import { closeUnpaidOrder } from '../logic/close-order.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The delayed close job of an order: still wait-pay and not paid → cancelled; paid but its event
 * not here yet → the payment is applied; anything else → nothing to do. A payment that lands
 * between the read and the update wins: order-rpc refuses 1→-1 and the job ends quietly.
 */
export async function closeHomestayOrder(svc: ServiceContext, { sn }: JobData<typeof CloseHomestayOrderJob>): Promise<void> {
  const outcome = await closeUnpaidOrder(svc, sn)
  if (outcome === 'missing') throw new UnrecoverableError(`order ${sn} does not exist`)
  svc.logger.info({ sn, outcome }, outcome === 'closed' ? 'unpaid order closed' : 'order not closed')
}
