import { TradeState } from '@looklook/order-model'

const NAMES: Record<number, string> = {
  [TradeState.cancelled]: 'cancelled',
  [TradeState.waitPay]: 'wait-pay',
  [TradeState.waitUse]: 'paid (wait-use)',
  [TradeState.used]: 'used',
  [TradeState.refunded]: 'refunded',
  [TradeState.expired]: 'expired',
}

/** Target state → the one state it may be reached from (doc/order.md, Trade states). Nothing leads back to wait-pay. */
const ALLOWED_FROM: ReadonlyMap<number, number> = new Map([
  [TradeState.cancelled, TradeState.waitPay],
  [TradeState.waitUse, TradeState.waitPay],
  [TradeState.used, TradeState.waitUse],
  [TradeState.refunded, TradeState.waitUse],
  [TradeState.expired, TradeState.waitUse],
])

export function isTradeState(state: number): boolean {
  return state in NAMES
}

export function tradeStateName(state: number): string {
  return NAMES[state] ?? String(state)
}

/** Whether `from → to` is one of the allowed transitions (a same-state "change" is not a transition). */
export function canTransition(from: number, to: number): boolean {
  return ALLOWED_FROM.get(to) === from
}
