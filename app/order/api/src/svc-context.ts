import type { Logger } from '@looklook/logx'
import { createOrderClient, type OrderClient } from '@looklook/order-rpc/client'
import { createPaymentClient, type PaymentClient } from '@looklook/payment-rpc/client'
import type { OrderApiConf } from './config.ts'

export interface ServiceContext {
  config: OrderApiConf
  orderRpc: OrderClient
  paymentRpc: PaymentClient
  close(): Promise<void>
}

export function createServiceContext(config: OrderApiConf, logger: Logger): ServiceContext {
  const orderRpc = createOrderClient(config.OrderRpc, logger)
  const paymentRpc = createPaymentClient(config.PaymentRpc, logger)
  return {
    config,
    orderRpc,
    paymentRpc,
    async close() {
      orderRpc.close()
      paymentRpc.close()
    },
  }
}
