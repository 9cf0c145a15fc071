import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type PaymentService, paymentProto, paymentServiceName } from '../gen/payment.ts'
import { createPayment } from './handlers/create-payment.ts'
import { getPaymentBySn, getPaymentSuccessRefundByOrderSn } from './handlers/get-payment.ts'
import { updateTradeState } from './handlers/update-trade-state.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds payment-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<PaymentService>(paymentProto, paymentServiceName, {
    CreatePayment: (req) => createPayment(svc, req),
    GetPaymentBySn: (req) => getPaymentBySn(svc, req),
    UpdateTradeState: (req) => updateTradeState(svc, req),
    GetPaymentSuccessRefundByOrderSn: (req) => getPaymentSuccessRefundByOrderSn(svc, req),
  })
  return server
}
