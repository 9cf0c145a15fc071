import { type PaymentUpdatePayStatusMessage, PoisonMessageError } from '@looklook/kq'
import { TradeState } from '@looklook/order-rpc/contract'
import { PayStatus } from '@looklook/payment-rpc/contract'
import { notifyPaid } from '../logic/notify-paid.ts'
import { isBusinessRejection } from '../logic/rpc-errors.ts'
import type { ServiceContext } from '../svc-context.ts'

/** third_payment.pay_status → the order state it leads to (others change no order). */
const ORDER_STATE_OF_PAY_STATUS: ReadonlyMap<number, number> = new Map([
  [PayStatus.success, TradeState.waitUse],
  [PayStatus.refund, TradeState.refunded],
])

/**
 * A payment changed: paid → order 0→1 and the guest is notified; refunded → order 1→3 (no
 * template exists for refunds — the Go original wrongly reused the pay-success ones). Redelivery
 * is harmless: order-rpc treats setting the current state as a no-op, and notifications are sent
 * once per order. An order that does not exist or may not make the move (e.g. cancelled before
 * the payment arrived) is logged and skipped: retrying cannot fix it, a person must (refund).
 */
export async function paymentUpdatePayStatus(svc: ServiceContext, msg: PaymentUpdatePayStatusMessage): Promise<void> {
  const target = ORDER_STATE_OF_PAY_STATUS.get(msg.payStatus)
  if (target === undefined) {
    svc.logger.info({ sn: msg.orderSn, payStatus: msg.payStatus }, 'pay status changes no order state')
    return
  }
  let order: Awaited<ReturnType<ServiceContext['orderRpc']['updateHomestayOrderTradeState']>>
  try {
    order = await svc.orderRpc.updateHomestayOrderTradeState({ sn: msg.orderSn, tradeState: target })
  } catch (err) {
    if (isBusinessRejection(err)) throw new PoisonMessageError(`order ${msg.orderSn} cannot become ${target}`, { cause: err })
    throw err
  }
  if (target === TradeState.waitUse) await notifyPaid(svc, order)
}
