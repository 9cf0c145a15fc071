import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type MqueueService, mqueueProto, mqueueServiceName } from '../gen/mqueue.ts'

export type MqueueClient = RpcClient<MqueueService>

/** A typed mqueue-rpc client for other processes (order-rpc, payment-rpc, order-mq). */
export function createMqueueClient(conf: TRpcClientConf, logger: Logger): MqueueClient {
  return createRpcClient<MqueueService>(mqueueProto, mqueueServiceName, conf, logger)
}
