import { createIdentityClient, type IdentityClient } from '@looklook/identity-rpc/client'
import type { Logger } from '@looklook/logx'
import type { IdentityApiConf } from './config.ts'

export interface ServiceContext {
  config: IdentityApiConf
  identityRpc: IdentityClient
  close(): Promise<void>
}

export function createServiceContext(config: IdentityApiConf, logger: Logger): ServiceContext {
  const identityRpc = createIdentityClient(config.IdentityRpc, logger)
  return {
    config,
    identityRpc,
    async close() {
      identityRpc.close()
    },
  }
}
