import { availableParallelism } from 'node:os'
import { createIdentityClient, type IdentityClient } from '@looklook/identity-rpc/client'
import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { UserAuthModel, UserModel } from '@looklook/usercenter-model'
import type { UsercenterRpcConf } from './config.ts'
import { HashPool } from './logic/hash-pool.ts'
import { LoginGuard } from './logic/login-guard.ts'

/** What a login or register still needs once its hash is done: the database, the token write, the way back. */
const AFTER_HASH_RESERVE_MS = 400

export interface ServiceContext {
  config: UsercenterRpcConf
  logger: Logger
  db: SqlConn
  redis: Cache['redis']
  userModel: UserModel
  userAuthModel: UserAuthModel
  identityRpc: IdentityClient
  hashPool: HashPool
  loginGuard: LoginGuard
  close(): Promise<void>
}

export function createServiceContext(config: UsercenterRpcConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  const identityRpc = createIdentityClient(config.IdentityRpc, logger)
  const { PasswordHash: ph, LoginGuard: lg } = config
  return {
    config,
    logger,
    db,
    redis: cache.redis,
    userModel: new UserModel(db, cache),
    userAuthModel: new UserAuthModel(db, cache),
    identityRpc,
    hashPool: new HashPool({
      maxInFlight: ph.MaxInFlight || availableParallelism(),
      maxQueue: ph.MaxQueue,
      reserveMs: AFTER_HASH_RESERVE_MS,
    }),
    loginGuard: new LoginGuard(cache.redis, {
      maxFailures: lg.MaxFailures,
      windowSeconds: lg.WindowSeconds,
      lockSeconds: lg.LockSeconds,
      attemptTtlMs: config.Timeout * 2,
    }),
    async close() {
      identityRpc.close()
      await db.close()
      cache.redis.disconnect()
    },
  }
}
