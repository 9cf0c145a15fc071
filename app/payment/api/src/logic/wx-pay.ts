import { OrderRefusals, TradeState } from '@looklook/order-rpc/contract'
import { PayMode, PaymentRefusals } from '@looklook/payment-rpc/contract'
import type { RequestCtx } from '@looklook/rest'
import { UserAuthType } from '@looklook/usercenter-rpc/contract'
import { type LooklookPayParams, toLooklookPayParams, WechatError } from '@looklook/wechat'
import { CodeError } from '@looklook/xerr'
import type { ServiceContext } from '../svc-context.ts'

/** WeChat's limit for `description`. */
const DESCRIPTION_MAX = 127

export interface WxPayReq {
  orderSn: string
  serviceType: 'homestayOrder'
}

/**
 * JSAPI payment of a homestay order (the Go original's thirdPaymentWxPayLogic): the caller's own
 * wait-pay order, the caller's mini-program openid, one payment-rpc payment per order (a repeated
 * call reuses it, and WeChat answers the same out_trade_no with the same prepay_id), a merchant-signed
 * prepay, and the signed parameters for `wx.requestPayment`.
 */
export async function thirdPaymentWxPay(svc: ServiceContext, ctx: RequestCtx, req: WxPayReq): Promise<LooklookPayParams> {
  const { homestayOrder: order } = await svc.orderRpc.homestayOrderDetail({ sn: req.orderSn })
  // Another user's order gets the same answer as a missing one, so order numbers cannot be probed.
  if (!order || order.id === 0 || order.userId !== ctx.userId) throw OrderRefusals.ORDER_NOT_FOUND()
  if (order.tradeState !== TradeState.waitPay) throw PaymentRefusals.ORDER_NOT_WAIT_PAY()

  // The order is closed when its pay time runs out; the prepay must not outlive it, or a guest could pay a cancelled order.
  const timeout = svc.config.OrderPayTimeoutSeconds
  const expireAt = timeout > 0 ? new Date((order.createTime + timeout) * 1000) : undefined
  if (expireAt && expireAt.getTime() <= Date.now()) throw PaymentRefusals.ORDER_PAY_EXPIRED()

  const { userAuth } = await svc.usercenterRpc.getUserAuthByUserId({ userId: ctx.userId, authType: UserAuthType.wxMini })
  if (!userAuth?.authKey) throw PaymentRefusals.NO_WECHAT_AUTH()

  const { sn } = await svc.paymentRpc.CreatePayment({
    userId: ctx.userId,
    payModel: PayMode.wechatPay,
    payTotal: order.orderTotalPrice,
    orderSn: order.sn,
    serviceType: req.serviceType,
  })
  try {
    const params = await svc.wxPay.jsapiPrepayWithPayParams({
      description: [...order.title].slice(0, DESCRIPTION_MAX).join('') || order.sn,
      outTradeNo: sn,
      notifyUrl: svc.config.WxPayConf.NotifyUrl,
      amountTotal: order.orderTotalPrice,
      openid: userAuth.authKey,
      ...(expireAt ? { timeExpire: expireAt } : {}),
    })
    ctx.logger.info({ orderSn: order.sn, paymentSn: sn, prepayId: params.prepayId }, 'wechat prepay created')
    return toLooklookPayParams(params)
  } catch (err) {
    // WeChat's refusal or silence is not the guest's fault; the detail (code, request id) goes to the log.
    if (err instanceof WechatError) throw CodeError.common('WeChat Pay is unavailable, please try again later', err)
    throw err
  }
}
