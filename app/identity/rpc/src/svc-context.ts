import type { Logger } from '@looklook/logx'
import { createRedis } from '@looklook/model'
import type { Redis } from 'ioredis'
import type { IdentityRpcConf } from './config.ts'

export interface ServiceContext {
  config: IdentityRpcConf
  redis: Redis
  logger: Logger
  close(): Promise<void>
}

export function createServiceContext(config: IdentityRpcConf, logger: Logger): ServiceContext {
  const redis = createRedis(config.Redis)
  return {
    config,
    redis,
    logger,
    async close() {
      await redis.quit()
    },
  }
}
