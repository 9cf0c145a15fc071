import { PayStatus } from '@looklook/payment-rpc/contract'
import type { PaymentDetail } from '@looklook/payment-rpc/gen'
import type { RequestCtx } from '@looklook/rest'
import { type HeaderSource, type Transaction, WechatDecryptError, WechatError, WechatSignatureError } from '@looklook/wechat'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { ServiceContext } from '../svc-context.ts'

/**
 * A notification this service does not accept. The route answers WeChat's failure form:
 * `status` with `{"code":"FAIL","message":…}`, and WeChat retries later (doc/wechat.md, Payment notifications).
 */
export class NotifyError extends Error {
  readonly status: number

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'NotifyError'
    this.status = status
  }
}

/** The pay_status a trade state leads to from the payment's current one; undefined: nothing to change. */
function nextPayStatus(tradeState: Transaction['trade_state'], current: number): number | undefined {
  switch (tradeState) {
    case 'SUCCESS':
      return current === PayStatus.wait ? PayStatus.success : undefined
    case 'REFUND':
      return current === PayStatus.success ? PayStatus.refund : undefined
    case 'CLOSED':
    case 'REVOKED':
    case 'PAYERROR':
      return current === PayStatus.wait ? PayStatus.failed : undefined
    default:
      // NOTPAY, USERPAYING: the payer has not paid yet.
      return undefined
  }
}

function unixOf(rfc3339: string | undefined): number {
  const ms = rfc3339 ? Date.parse(rfc3339) : Number.NaN
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000)
}

function parse(svc: ServiceContext, headers: HeaderSource, rawBody: string | undefined): Transaction {
  if (!rawBody) throw new NotifyError(400, 'empty notification body')
  try {
    return svc.wxPay.parseTransactionNotification(headers, rawBody).transaction
  } catch (err) {
    if (err instanceof WechatSignatureError) throw new NotifyError(401, 'signature verification failed', { cause: err })
    if (err instanceof WechatDecryptError) throw new NotifyError(400, 'resource decryption failed', { cause: err })
    if (err instanceof WechatError) throw new NotifyError(400, 'not a payment notification', { cause: err })
    throw err
  }
}

/**
 * WeChat's payment notification (the Go original's thirdPaymentWxPayCallbackLogic): the signature
 * over the raw body (serial → platform certificate or WeChat Pay public key, timestamp within 300 s),
 * the AEAD_AES_256_GCM resource, then the payment: it must exist, belong to this merchant and app,
 * and the amount must equal what was asked. A SUCCESS on a wait payment makes it paid (payment-rpc
 * records the event for Kafka in the same transaction); a repeated notification finds it paid and
 * changes nothing. Resolves when WeChat may be told 204; throws NotifyError otherwise.
 */
export async function thirdPaymentWxPayCallback(
  svc: ServiceContext,
  ctx: RequestCtx,
  headers: HeaderSource,
  rawBody: string | undefined,
): Promise<void> {
  const tx = parse(svc, headers, rawBody)
  const conf = svc.config.WxPayConf
  if (tx.appid !== conf.AppId || tx.mchid !== conf.MchId) throw new NotifyError(400, 'appid or mchid is not this merchant')

  const { paymentDetail } = await svc.paymentRpc.GetPaymentBySn({ sn: tx.out_trade_no })
  const payment: PaymentDetail | null = paymentDetail?.id ? paymentDetail : null
  if (!payment) throw new NotifyError(404, `payment ${tx.out_trade_no} does not exist`)
  const total = tx.amount?.total
  if (total !== payment.payTotal) {
    ctx.logger.error(
      { paymentSn: payment.sn, expected: payment.payTotal, notified: total },
      'wechat notification amount differs from the payment',
    )
    throw new NotifyError(400, 'amount does not match the payment')
  }

  const payStatus = nextPayStatus(tx.trade_state, payment.payStatus)
  if (payStatus === undefined) {
    if (tx.trade_state === 'SUCCESS' && payment.payStatus === PayStatus.failed) {
      // Money arrived for a payment recorded as failed: acknowledged (WeChat retrying would not help), flagged for a refund.
      ctx.logger.error({ paymentSn: payment.sn, transactionId: tx.transaction_id }, 'paid notification for a failed payment')
    } else {
      ctx.logger.info(
        { paymentSn: payment.sn, tradeState: tx.trade_state, payStatus: payment.payStatus },
        'wechat notification: nothing to change',
      )
    }
    return
  }
  try {
    await svc.paymentRpc.UpdateTradeState({
      sn: payment.sn,
      tradeState: tx.trade_state,
      transactionId: tx.transaction_id ?? '',
      tradeType: tx.trade_type ?? '',
      tradeStateDesc: tx.trade_state_desc ?? '',
      payStatus,
      payTime: unixOf(tx.success_time),
    })
  } catch (err) {
    if (err instanceof CodeError && err.code === ErrCode.REQUEST_PARAM_ERROR) throw new NotifyError(400, err.message, { cause: err })
    throw new NotifyError(500, 'the payment could not be updated, retry later', { cause: err })
  }
  ctx.logger.info(
    { paymentSn: payment.sn, orderSn: payment.orderSn, payStatus, transactionId: tx.transaction_id },
    'payment updated from wechat',
  )
}
