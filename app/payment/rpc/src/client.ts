import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type PaymentService, paymentProto, paymentServiceName } from '../gen/payment.ts'

export type PaymentClient = RpcClient<PaymentService>

/** A typed payment-rpc client for other processes (payment-api, order-api). */
export function createPaymentClient(conf: TRpcClientConf, logger: Logger): PaymentClient {
  return createRpcClient<PaymentService>(paymentProto, paymentServiceName, conf, logger)
}
