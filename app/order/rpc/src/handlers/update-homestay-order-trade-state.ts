import { CodeError, ErrCode } from '@looklook/xerr'
import type { UpdateHomestayOrderTradeStateReq, UpdateHomestayOrderTradeStateResp } from '../../gen/order.ts'
import { OrderRefusals, TradeState } from '../contract.ts'
import { releaseOrderNights } from '../logic/booking-saga.ts'
import { toUpdateResp } from '../logic/to-pb.ts'
import { canTransition, isTradeState } from '../logic/trade-state.ts'
import type { ServiceContext } from '../svc-context.ts'

/** States in which an order no longer holds its nights: cancelled (also closed unpaid), refunded, expired. */
const RELEASING: ReadonlySet<number> = new Set([TradeState.cancelled, TradeState.refunded, TradeState.expired])

/** Version conflicts are re-evaluated against the fresh row this many times before giving up. */
const MAX_ATTEMPTS = 5

/**
 * Moves an order along the trade-state machine (doc/order.md) under the version lock. Setting the state the
 * order already has is a no-op that returns the order (a repeated payment notification is not an
 * error). When another writer wins the race, the fresh row is checked again: the loser of
 * "pay" against "cancel" gets a transition error, a duplicate of the winner's change gets the no-op.
 * Cancelled, refunded and expired orders free their nights in travel's calendar (doc/transactions.md).
 */
export async function updateHomestayOrderTradeState(
  svc: ServiceContext,
  req: UpdateHomestayOrderTradeStateReq,
): Promise<UpdateHomestayOrderTradeStateResp> {
  if (!req.sn) throw CodeError.param('sn is required')
  if (!isTradeState(req.tradeState)) throw CodeError.param(`unknown trade state ${req.tradeState}`)
  const zone = svc.config.TimeZone

  for (let attempt = 1; ; attempt++) {
    const order = await svc.homestayOrderModel.findOneBySnFromDb(req.sn)
    if (!order) throw OrderRefusals.ORDER_NOT_FOUND()
    if (order.tradeState === req.tradeState) {
      // A repeat also repeats the release, so a caller whose first try failed there completes it.
      if (RELEASING.has(order.tradeState)) await releaseOrderNights(svc, order)
      return toUpdateResp(order, zone)
    }
    if (!canTransition(order.tradeState, req.tradeState)) throw OrderRefusals.ORDER_TRANSITION_REFUSED(order.tradeState, req.tradeState)

    order.tradeState = req.tradeState
    try {
      await svc.homestayOrderModel.updateWithVersion(order)
      // After the state is stored: if the release fails the caller (close job, sweep, order-mq) retries,
      // and the repeat above releases; the nights are never freed for an order still holding them.
      if (RELEASING.has(order.tradeState)) await releaseOrderNights(svc, order)
      return toUpdateResp(order, zone)
    } catch (err) {
      const conflict = err instanceof CodeError && err.code === ErrCode.DB_UPDATE_AFFECTED_ZERO_ERROR
      if (!conflict || attempt >= MAX_ATTEMPTS) throw err
    }
  }
}
