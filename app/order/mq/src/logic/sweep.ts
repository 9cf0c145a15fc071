import type { ServiceContext } from '../svc-context.ts'
import { isBusinessRejection } from './rpc-errors.ts'

export interface SweepResult {
  found: number
  changed: number
  refused: number
}

/**
 * Moves each order to `tradeState` through order-rpc (state machine, version lock and cache stay
 * order-rpc's). An order that changed meanwhile is refused and skipped; an rpc outage stops the
 * sweep with an error — the job is retried, and the next run picks up whatever is left anyway.
 */
export async function moveOrders(svc: ServiceContext, sns: string[], tradeState: number): Promise<SweepResult> {
  const result: SweepResult = { found: sns.length, changed: 0, refused: 0 }
  for (const sn of sns) {
    try {
      await svc.orderRpc.updateHomestayOrderTradeState({ sn, tradeState })
      result.changed++
    } catch (err) {
      if (!isBusinessRejection(err)) throw err
      result.refused++
      svc.logger.info({ err, sn, tradeState }, 'order changed meanwhile, skipped by the sweep')
    }
  }
  return result
}
