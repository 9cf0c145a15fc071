import { retryOnLockConflict } from '@looklook/model'
import { PayStatus } from '@looklook/payment-model'
import { CodeError } from '@looklook/xerr'
import { context, propagation } from '@opentelemetry/api'
import type { UpdateTradeStateReq, UpdateTradeStateResp } from '../../gen/payment.ts'
import { PaymentRefusals } from '../contract.ts'
import type { ServiceContext } from '../svc-context.ts'

/** pay_status changes a payment may make; setting the current status again is a no-op, anything else an error. */
const TRANSITIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [PayStatus.wait, [PayStatus.success, PayStatus.failed]],
  [PayStatus.success, [PayStatus.refund]],
])

/** Statuses a caller may set. */
const SETTABLE: ReadonlySet<number> = new Set([PayStatus.success, PayStatus.failed, PayStatus.refund])

/** Statuses the rest of the system hears about (order-mq: 1 → order paid, 2 → order refunded). */
const PUBLISHED: ReadonlySet<number> = new Set([PayStatus.success, PayStatus.refund])

function validate(req: UpdateTradeStateReq): void {
  if (!req.sn) throw CodeError.param('sn is required')
  if (!SETTABLE.has(req.payStatus)) throw CodeError.param(`unsupported payStatus ${req.payStatus}`)
  // Column sizes of third_payment: longer values are not from WeChat.
  if (req.transactionId.length > 32) throw CodeError.param('transactionId is longer than 32 characters')
  if (req.tradeType.length > 20 || req.tradeState.length > 20) throw CodeError.param('tradeType and tradeState are at most 20 characters')
  if (req.tradeStateDesc.length > 256) throw CodeError.param('tradeStateDesc is longer than 256 characters')
  if (!Number.isSafeInteger(req.payTime) || req.payTime < 0) throw CodeError.param('payTime must be unix seconds')
}

/**
 * Applies a trade state reported by WeChat. The row is locked for the transaction, so concurrent
 * deliveries of one notification queue up: the first changes the status, the rest find it already
 * set and change nothing. The status change and its outbox event commit together (or not at all),
 * and the outbox relay is woken to publish the event.
 */
export async function updateTradeState(svc: ServiceContext, req: UpdateTradeStateReq): Promise<UpdateTradeStateResp> {
  validate(req)
  // The event is published later by the relay; it carries this call's trace so the callback's trace goes on through Kafka.
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  const changed = await retryOnLockConflict(() =>
    svc.db.transact(async (tx) => {
      const payment = await svc.thirdPaymentModel.findOneBySnForUpdate(req.sn, tx)
      if (!payment) throw PaymentRefusals.PAYMENT_NOT_FOUND()
      if (payment.payStatus === req.payStatus) return false
      if (!TRANSITIONS.get(payment.payStatus)?.includes(req.payStatus))
        throw PaymentRefusals.PAYMENT_TRANSITION_REFUSED(payment.payStatus, req.payStatus)

      payment.tradeState = req.tradeState
      payment.tradeStateDesc = req.tradeStateDesc
      if (req.transactionId) payment.transactionId = req.transactionId
      if (req.tradeType) payment.tradeType = req.tradeType
      // pay_time is when the payer paid; a refund keeps it.
      if (req.payStatus === PayStatus.success) payment.payTime = req.payTime > 0 ? new Date(req.payTime * 1000) : new Date()
      payment.payStatus = req.payStatus
      await svc.thirdPaymentModel.updateWithVersion(payment, tx)
      if (PUBLISHED.has(req.payStatus)) {
        const event = { paymentSn: payment.sn, orderSn: payment.orderSn, payStatus: req.payStatus, traceParent: carrier.traceparent ?? '' }
        await svc.outboxModel.add(event, tx)
      }
      return true
    }),
  )
  if (changed) svc.relay.kick()
  return {}
}
