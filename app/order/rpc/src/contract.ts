import { defineRefusals } from '@looklook/xerr'
import { tradeStateName } from './logic/trade-state.ts'

/** `homestay_order.trade_state`, for callers that read orders (payment-api pays wait-pay ones only). */
export { ALL_TRADE_STATES, TradeState } from '@looklook/order-model'

/** order's refusals (doc/errors.md, Refusals and reasons); order-api and payment-api raise ORDER_NOT_FOUND too. */
export const OrderRefusals = defineRefusals({
  ORDER_NOT_FOUND: 'order does not exist',
  HOMESTAY_OFF_SALE: 'homestay is not on sale',
  /** The random part of a new order's sn clashed with an existing order: the booking saga is tried again with another sn. */
  ORDER_SN_TAKEN: 'order number already in use',
  ORDER_TRANSITION_REFUSED: (from: number, to: number) => `an order that is ${tradeStateName(from)} cannot become ${tradeStateName(to)}`,
})
