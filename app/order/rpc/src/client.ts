import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type OrderService, orderProto, orderServiceName } from '../gen/order.ts'

export type OrderClient = RpcClient<OrderService>

/** A typed order-rpc client for other processes (order-api, order-mq, payment-api). */
export function createOrderClient(conf: TRpcClientConf, logger: Logger): OrderClient {
  return createRpcClient<OrderService>(orderProto, orderServiceName, conf, logger)
}
