import type { Logger } from '@looklook/logx'
import { createPool, createRedis, type Redis, SqlConn } from '@looklook/model'
import { createMqueueClient, type MqueueClient } from '@looklook/mqueue-rpc/client'
import { createOrderClient, type OrderClient } from '@looklook/order-rpc/client'
import { createPaymentClient, type PaymentClient } from '@looklook/payment-rpc/client'
import { createUsercenterClient, type UsercenterClient } from '@looklook/usercenter-rpc/client'
import type { OrderMqConf } from './config.ts'

export interface ServiceContext {
  config: OrderMqConf
  logger: Logger
  orderRpc: OrderClient
  usercenterRpc: UsercenterClient
  mqueueRpc: MqueueClient
  /** Asked before an unpaid order is closed: was it paid while its event is still on the way? */
  paymentRpc: PaymentClient
  /** Notification markers (one subscribe message per order and template). */
  redis: Redis
  /** Read-only queries of the sweeps. */
  orderDb: SqlConn
  close(): Promise<void>
}

export function createServiceContext(config: OrderMqConf, logger: Logger): ServiceContext {
  const orderRpc = createOrderClient(config.OrderRpc, logger)
  const usercenterRpc = createUsercenterClient(config.UsercenterRpc, logger)
  const mqueueRpc = createMqueueClient(config.MqueueRpc, logger)
  const paymentRpc = createPaymentClient(config.PaymentRpc, logger)
  const redis = createRedis(config.Redis, { log: logger })
  const orderDb = new SqlConn(createPool(config.DB))
  return {
    config,
    logger,
    orderRpc,
    usercenterRpc,
    mqueueRpc,
    paymentRpc,
    redis,
    orderDb,
    async close() {
      orderRpc.close()
      usercenterRpc.close()
      mqueueRpc.close()
      paymentRpc.close()
      redis.disconnect()
      await orderDb.close()
    },
  }
}
