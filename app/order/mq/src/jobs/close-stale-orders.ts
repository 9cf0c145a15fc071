import { TradeState } from '@looklook/order-rpc/contract'
import type { CloseStaleOrdersJob, JobData } from '@looklook/queue'
import { type CloseOutcome, closeUnpaidOrder } from '../logic/close-order.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * Repeatable sweep, the safety net behind the per-order close jobs: wait-pay orders created more
 * than `olderThanSeconds` ago are closed like the close job does (cancelled, or completed when
 * payment-rpc knows they were paid), e.g. when Redis lost a delayed job or mqueue-rpc was down
 * when the order was created. An rpc outage stops the sweep with an error; the next run goes on.
 */
export async function closeStaleOrders(
  svc: ServiceContext,
  { olderThanSeconds, batchSize }: JobData<typeof CloseStaleOrdersJob>,
): Promise<void> {
  const createdBefore = new Date(Date.now() - olderThanSeconds * 1000)
  // Served by the (trade_state, create_time) index.
  const rows = await svc.orderDb.query<{ sn: string }>(
    'SELECT `sn` FROM `homestay_order` WHERE `trade_state` = ? AND `create_time` < ? AND `del_state` = 0 ORDER BY `create_time` LIMIT ?',
    [TradeState.waitPay, createdBefore, batchSize],
  )
  if (rows.length === 0) return
  const outcomes: Partial<Record<CloseOutcome, number>> = {}
  for (const { sn } of rows) {
    const outcome = await closeUnpaidOrder(svc, sn)
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
  }
  svc.logger.warn({ found: rows.length, ...outcomes }, 'swept unpaid orders whose close job never ran')
}
