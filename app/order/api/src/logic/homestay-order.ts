import { schemaFields, toMessage } from '@looklook/model/mapping'
import { OrderRefusals, TradeState } from '@looklook/order-rpc/contract'
import type { HomestayOrder } from '@looklook/order-rpc/gen'
import { fenToYuan, type RequestCtx } from '@looklook/rest'
import { CodeError, ErrCode } from '@looklook/xerr'
import {
  type CreateHomestayOrderReq,
  UserHomestayOrderDetailResp,
  type UserHomestayOrderListReq,
  UserHomestayOrderListView,
} from '../schemas/homestay-order.ts'
import type { ServiceContext } from '../svc-context.ts'

const listFields = schemaFields(UserHomestayOrderListView)
const detailFields = schemaFields(UserHomestayOrderDetailResp)

/**
 * The check-in code is what the guest shows the host, so it is shown only while it means
 * something: once paid (wait-use) and after the stay (used). The Go original returned it in every
 * state, which handed a usable-looking code to unpaid and cancelled orders.
 */
export function visibleTradeCode(order: Pick<HomestayOrder, 'tradeState' | 'tradeCode'>): string {
  return order.tradeState === TradeState.waitUse || order.tradeState === TradeState.used ? order.tradeCode : ''
}

/** The gateway only forwards these routes with a verified token; a request without one never reaches the rpc. */
function callerId(ctx: RequestCtx): number {
  if (ctx.userId < 1) throw new CodeError(ErrCode.TOKEN_EXPIRE_ERROR)
  return ctx.userId
}

export async function createHomestayOrder(svc: ServiceContext, ctx: RequestCtx, req: CreateHomestayOrderReq): Promise<{ orderSn: string }> {
  const { sn } = await svc.orderRpc.createHomestayOrder({
    homestayId: req.homestayId,
    isFood: req.isFood,
    liveStartTime: req.liveStartTime,
    liveEndTime: req.liveEndTime,
    userId: callerId(ctx),
    livePeopleNum: req.livePeopleNum,
    remark: req.remark,
  })
  return { orderSn: sn }
}

export async function userHomestayOrderList(
  svc: ServiceContext,
  ctx: RequestCtx,
  req: UserHomestayOrderListReq,
): Promise<{ list: UserHomestayOrderListView[] }> {
  const { list } = await svc.orderRpc.userHomestayOrderList({
    userId: callerId(ctx),
    traderState: req.tradeState,
    lastId: req.lastId,
    pageSize: req.pageSize,
  })
  return { list: list.map(listView) }
}

/** The fields of an order the list shows (schemas/homestay-order.ts picks them), money in yuan. */
function listView(o: HomestayOrder): UserHomestayOrderListView {
  return toMessage(listFields, o, { orderTotalPrice: fenToYuan(o.orderTotalPrice), tradeCode: visibleTradeCode(o) })
}

/**
 * Payment time and mode of a paid order from payment-rpc. They decorate the order rather than
 * define it, so when payment-rpc fails the order is still shown, without them, and the failure
 * is logged as a warning (the Go original logged and went on too).
 */
async function paymentOf(svc: ServiceContext, ctx: RequestCtx, order: HomestayOrder): Promise<{ payTime: number; payType: string }> {
  const none = { payTime: 0, payType: '' }
  // No payment can have succeeded for an order that was never paid.
  if (order.tradeState === TradeState.waitPay || order.tradeState === TradeState.cancelled) return none
  try {
    const { paymentDetail } = await svc.paymentRpc.GetPaymentSuccessRefundByOrderSn({ orderSn: order.sn })
    return paymentDetail ? { payTime: paymentDetail.payTime, payType: paymentDetail.payMode } : none
  } catch (err) {
    ctx.logger.warn({ err, sn: order.sn }, 'payment-rpc failed; order detail served without payment time and type')
    return none
  }
}

export async function userHomestayOrderDetail(svc: ServiceContext, ctx: RequestCtx, sn: string): Promise<UserHomestayOrderDetailResp> {
  const userId = callerId(ctx)
  const { homestayOrder: o } = await svc.orderRpc.homestayOrderDetail({ sn })
  // The same answer for an order that does not exist and for someone else's, so order numbers leak nothing.
  if (!o || o.userId !== userId) throw OrderRefusals.ORDER_NOT_FOUND()
  const payment = await paymentOf(svc, ctx, o)
  return toMessage(detailFields, o, {
    foodPrice: fenToYuan(o.foodPrice),
    homestayPrice: fenToYuan(o.homestayPrice),
    marketHomestayPrice: fenToYuan(o.marketHomestayPrice),
    orderTotalPrice: fenToYuan(o.orderTotalPrice),
    foodTotalPrice: fenToYuan(o.foodTotalPrice),
    homestayTotalPrice: fenToYuan(o.homestayTotalPrice),
    tradeCode: visibleTradeCode(o),
    ...payment,
  })
}
