import { TradeState } from '@looklook/order-model'
import type { CloseStaleOrdersJob, JobData } from '@looklook/queue'
import { moveOrders } from '../logic/sweep.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * Repeatable sweep, the safety net behind the per-order close jobs: wait-pay orders created more
 * than `olderThanSeconds` ago are cancelled (0→-1), e.g. when Redis lost a delayed job or
 * mqueue-rpc was down when the order was created.
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
  const result = await moveOrders(
    svc,
    rows.map((r) => r.sn),
    TradeState.cancelled,
  )
  svc.logger.warn(result, 'closed unpaid orders whose close job never ran')
}
