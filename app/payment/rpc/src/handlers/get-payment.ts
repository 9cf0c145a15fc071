import type {
  GetPaymentBySnReq,
  GetPaymentBySnResp,
  GetPaymentSuccessRefundByOrderSnReq,
  GetPaymentSuccessRefundByOrderSnResp,
} from '../../gen/payment.ts'
import { emptyPaymentDetail, toPaymentDetail } from '../logic/detail.ts'
import type { ServiceContext } from '../svc-context.ts'

/** The payment with this sn, or an empty detail (id 0) when there is none. */
export async function getPaymentBySn(svc: ServiceContext, req: GetPaymentBySnReq): Promise<GetPaymentBySnResp> {
  const payment = req.sn ? await svc.thirdPaymentModel.findOneBySn(req.sn) : null
  return { paymentDetail: payment ? toPaymentDetail(payment) : emptyPaymentDetail() }
}

/** The paid or refunded payment of an order (what order views show as payTime/payType), or an empty detail. */
export async function getPaymentSuccessRefundByOrderSn(
  svc: ServiceContext,
  req: GetPaymentSuccessRefundByOrderSnReq,
): Promise<GetPaymentSuccessRefundByOrderSnResp> {
  const payment = req.orderSn ? await svc.thirdPaymentModel.findSuccessOrRefundByOrderSn(req.orderSn) : null
  return { paymentDetail: payment ? toPaymentDetail(payment) : emptyPaymentDetail() }
}
