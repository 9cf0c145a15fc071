import type { Logger } from '@looklook/logx'
import { createRedis, type Redis } from '@looklook/model/redis'
import type { IdentityApiConf } from './config.ts'

export interface ServiceContext {
  config: IdentityApiConf
  /** The token store identity-rpc writes; read here so the gateway check costs one Redis GET, not an rpc. */
  redis: Redis
  close(): Promise<void>
}

export function createServiceContext(config: IdentityApiConf, logger: Logger): ServiceContext {
  const redis = createRedis(config.Redis, { log: logger })
  return {
    config,
    redis,
    async close() {
      await redis.quit()
    },
  }
}
