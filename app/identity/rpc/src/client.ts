import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type IdentityService, identityProto, identityServiceName } from '../gen/identity.ts'

export type IdentityClient = RpcClient<IdentityService>

/** A typed identity-rpc client for other processes. */
export function createIdentityClient(conf: TRpcClientConf, logger: Logger): IdentityClient {
  return createRpcClient<IdentityService>(identityProto, identityServiceName, conf, logger)
}
