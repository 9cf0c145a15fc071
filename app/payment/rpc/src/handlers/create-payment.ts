import { isDuplicateKeyError, retryOnLockConflict } from '@looklook/model'
import { PayMode, PayStatus, ZERO_TIME } from '@looklook/payment-model'
import { CodeError } from '@looklook/xerr'
import type { CreatePaymentReq, CreatePaymentResp } from '../../gen/payment.ts'
import { PaymentRefusals } from '../contract.ts'
import { newPaymentSn } from '../logic/sn.ts'
import type { ServiceContext } from '../svc-context.ts'

const PAY_MODES: ReadonlySet<string> = new Set(Object.values(PayMode))

function validate(req: CreatePaymentReq): string {
  if (!Number.isSafeInteger(req.userId) || req.userId <= 0) throw CodeError.param('userId must be a positive integer')
  if (!Number.isSafeInteger(req.payTotal) || req.payTotal <= 0) throw CodeError.param('payTotal must be a positive amount in fen')
  if (!req.orderSn || req.orderSn.length > 25) throw CodeError.param('orderSn is required (at most 25 characters)')
  if (!req.serviceType || req.serviceType.length > 32) throw CodeError.param('serviceType is required (at most 32 characters)')
  // The Go original's field is payModel; an empty one means WeChat Pay, the only mode there is.
  const mode = req.payModel || PayMode.wechatPay
  if (!PAY_MODES.has(mode)) throw CodeError.param(`unsupported payModel ${mode}`)
  return mode
}

/**
 * Creates the wait payment (pay_status 0) of an order, or returns the one already waiting: paying
 * twice from the client (a double tap, a retry after a timeout) must lead to one payment, one
 * out_trade_no at WeChat and one prepay. An order with a paid or refunded payment gets no new one,
 * even while the order itself still shows wait-pay because the payment event is on its way.
 */
export async function createPayment(svc: ServiceContext, req: CreatePaymentReq): Promise<CreatePaymentResp> {
  const payMode = validate(req)
  const sn = await retryOnLockConflict(() =>
    svc.db.transact(async (tx) => {
      const existing = await svc.thirdPaymentModel.findByOrderSnForUpdate(req.orderSn, tx)
      if (existing.some((p) => p.payStatus === PayStatus.success || p.payStatus === PayStatus.refund))
        throw PaymentRefusals.ORDER_ALREADY_PAID()
      const waiting = existing.find((p) => p.payStatus === PayStatus.wait)
      if (waiting) {
        const same =
          waiting.userId === req.userId &&
          waiting.payTotal === req.payTotal &&
          waiting.payMode === payMode &&
          waiting.serviceType === req.serviceType
        if (!same) throw PaymentRefusals.PAYMENT_IN_PROGRESS()
        return waiting.sn
      }
      const payment = {
        sn: newPaymentSn(),
        userId: req.userId,
        payMode,
        tradeType: '',
        tradeState: '',
        payTotal: req.payTotal,
        transactionId: '',
        tradeStateDesc: '',
        orderSn: req.orderSn,
        serviceType: req.serviceType,
        payStatus: PayStatus.wait,
        payTime: ZERO_TIME,
      }
      try {
        await svc.thirdPaymentModel.insert(payment, tx)
      } catch (err) {
        // 10^8 numbers per second make a clash unlikely, not impossible; the caller may simply retry.
        if (isDuplicateKeyError(err)) throw CodeError.common('please retry', err)
        throw err
      }
      return payment.sn
    }),
  )
  return { sn }
}
