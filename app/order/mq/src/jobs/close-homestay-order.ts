import { TradeState } from '@looklook/order-model'
import type { CloseHomestayOrderJob } from '@looklook/queue'
import { type JobData, UnrecoverableError } from '@looklook/queue'
import { isBusinessRejection } from '../logic/rpc-errors.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The delayed close job of an order: still wait-pay → cancelled; paid, already cancelled or
 * anything else → nothing to do. A payment that lands between the read and the update wins:
 * order-rpc refuses 1→-1 and the job ends quietly.
 */
export async function closeHomestayOrder(svc: ServiceContext, { sn }: JobData<typeof CloseHomestayOrderJob>): Promise<void> {
  const log = svc.logger.child({ sn })
  const { homestayOrder } = await svc.orderRpc.homestayOrderDetail({ sn })
  if (!homestayOrder) throw new UnrecoverableError(`order ${sn} does not exist`)
  if (homestayOrder.tradeState !== TradeState.waitPay) {
    log.info({ tradeState: homestayOrder.tradeState }, 'order is no longer wait-pay, not closed')
    return
  }
  try {
    await svc.orderRpc.updateHomestayOrderTradeState({ sn, tradeState: TradeState.cancelled })
  } catch (err) {
    if (!isBusinessRejection(err)) throw err
    log.info({ err }, 'order changed meanwhile, not closed')
    return
  }
  log.info('unpaid order closed')
}
