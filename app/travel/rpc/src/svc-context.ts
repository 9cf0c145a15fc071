import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { HomestayCalendarModel, HomestayModel } from '@looklook/travel-model'
import type { TravelRpcConf } from './config.ts'

export interface ServiceContext {
  config: TravelRpcConf
  logger: Logger
  /** The looklook_travel connection: saga branches run their barrier and their change in one transaction on it. */
  db: SqlConn
  homestayModel: HomestayModel
  homestayCalendarModel: HomestayCalendarModel
  close(): Promise<void>
}

export function createServiceContext(config: TravelRpcConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  return {
    config,
    logger,
    db,
    homestayModel: new HomestayModel(db, cache),
    homestayCalendarModel: new HomestayCalendarModel(db, cache),
    async close() {
      await db.close()
      cache.redis.disconnect()
    },
  }
}
