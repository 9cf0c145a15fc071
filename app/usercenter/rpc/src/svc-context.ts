import { createIdentityClient, type IdentityClient } from '@looklook/identity-rpc/client'
import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { UserAuthModel, UserModel } from '@looklook/usercenter-model'
import type { UsercenterRpcConf } from './config.ts'

export interface ServiceContext {
  config: UsercenterRpcConf
  logger: Logger
  db: SqlConn
  userModel: UserModel
  userAuthModel: UserAuthModel
  identityRpc: IdentityClient
  close(): Promise<void>
}

export function createServiceContext(config: UsercenterRpcConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  const identityRpc = createIdentityClient(config.IdentityRpc, logger)
  return {
    config,
    logger,
    db,
    userModel: new UserModel(db, cache),
    userAuthModel: new UserAuthModel(db, cache),
    identityRpc,
    async close() {
      identityRpc.close()
      await db.close()
      cache.redis.disconnect()
    },
  }
}
