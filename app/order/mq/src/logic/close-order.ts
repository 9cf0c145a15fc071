import { PoisonMessageError } from '@looklook/kq'
import { TradeState } from '@looklook/order-rpc/contract'
import { PayStatus } from '@looklook/payment-rpc/contract'
import { paymentUpdatePayStatus } from '../consumers/payment-update-paystatus.ts'
import type { ServiceContext } from '../svc-context.ts'
import { isBusinessRejection } from './rpc-errors.ts'

export type CloseOutcome = 'closed' | 'paid' | 'not-wait-pay' | 'changed-meanwhile' | 'missing'

/**
 * Cancels an order that is still wait-pay — unless payment-rpc knows it was paid. A payment whose
 * event is still on its way (Kafka was down, the outbox holds it) must not lose its order to the
 * close delay: instead the payment is applied here, exactly as the event would apply it (0→1 and
 * the guest notified once; the late event then finds nothing left to do).
 */
export async function closeUnpaidOrder(svc: ServiceContext, sn: string): Promise<CloseOutcome> {
  const { homestayOrder } = await svc.orderRpc.homestayOrderDetail({ sn })
  if (!homestayOrder) return 'missing'
  if (homestayOrder.tradeState === TradeState.cancelled) {
    // Cancelled already, perhaps by an earlier try of this job that failed after the cancel: the repeat is a
    // no-op for the order that repeats the release of its nights (order-rpc), so the retry finishes it.
    await svc.orderRpc.updateHomestayOrderTradeState({ sn, tradeState: TradeState.cancelled })
    return 'not-wait-pay'
  }
  if (homestayOrder.tradeState !== TradeState.waitPay) return 'not-wait-pay'
  const { paymentDetail } = await svc.paymentRpc.GetPaymentSuccessRefundByOrderSn({ orderSn: sn })
  if (paymentDetail && paymentDetail.id > 0) {
    if (paymentDetail.payStatus === PayStatus.success) {
      try {
        await paymentUpdatePayStatus(svc, { payStatus: PayStatus.success, orderSn: sn })
      } catch (err) {
        // Refused: the order left wait-pay after we read it (cancelled or paid by the event meanwhile).
        if (err instanceof PoisonMessageError) return 'changed-meanwhile'
        throw err
      }
    } else svc.logger.warn({ sn, payStatus: paymentDetail.payStatus }, 'unpaid order has a refunded payment, left open for a person')
    return 'paid'
  }
  try {
    await svc.orderRpc.updateHomestayOrderTradeState({ sn, tradeState: TradeState.cancelled })
  } catch (err) {
    if (!isBusinessRejection(err)) throw err
    return 'changed-meanwhile'
  }
  return 'closed'
}
