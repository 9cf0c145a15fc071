import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { HomestayModel } from '@looklook/travel-model'
import type { TravelRpcConf } from './config.ts'

export interface ServiceContext {
  config: TravelRpcConf
  logger: Logger
  homestayModel: HomestayModel
  close(): Promise<void>
}

export function createServiceContext(config: TravelRpcConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  return {
    config,
    logger,
    homestayModel: new HomestayModel(db, cache),
    async close() {
      await db.close()
      cache.redis.disconnect()
    },
  }
}
