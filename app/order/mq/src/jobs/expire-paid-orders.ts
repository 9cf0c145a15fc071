import { TradeState } from '@looklook/order-rpc/contract'
import type { ExpirePaidOrdersJob, JobData } from '@looklook/queue'
import { formatDate } from '../logic/format.ts'
import { moveOrders } from '../logic/sweep.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * Repeatable sweep: paid orders (wait-use) whose last night is over — the end date lies before
 * today in the business time zone — become expired (1→4). Up to `batchSize` orders per run.
 */
export async function expirePaidOrders(svc: ServiceContext, { batchSize }: JobData<typeof ExpirePaidOrdersJob>): Promise<void> {
  // DATE columns hold the calendar day; the driver binds this UTC midnight as that same day.
  const today = new Date(`${formatDate(Date.now() / 1000, svc.config.TimeZone)}T00:00:00Z`)
  const rows = await svc.orderDb.query<{ sn: string }>(
    'SELECT `sn` FROM `homestay_order` WHERE `trade_state` = ? AND `live_end_date` < ? AND `del_state` = 0 ORDER BY `id` LIMIT ?',
    [TradeState.waitUse, today, batchSize],
  )
  if (rows.length === 0) return
  const result = await moveOrders(
    svc,
    rows.map((r) => r.sn),
    TradeState.expired,
  )
  svc.logger.info(result, 'expired paid orders past their stay')
}
