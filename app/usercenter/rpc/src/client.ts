import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type UsercenterService, usercenterProto, usercenterServiceName } from '../gen/usercenter.ts'

export type UsercenterClient = RpcClient<UsercenterService>

/** A typed usercenter-rpc client for other processes. */
export function createUsercenterClient(conf: TRpcClientConf, logger: Logger): UsercenterClient {
  return createRpcClient<UsercenterService>(usercenterProto, usercenterServiceName, conf, logger)
}
