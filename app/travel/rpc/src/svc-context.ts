import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import {
  HomestayActivityModel,
  HomestayBusinessModel,
  HomestayCalendarModel,
  HomestayCommentModel,
  HomestayModel,
} from '@looklook/travel-model'
import type { TravelRpcConf } from './config.ts'

/** travel-rpc alone reads and writes the travel tables; travel-api and order-rpc reach them through its methods. */
export interface ServiceContext {
  config: TravelRpcConf
  logger: Logger
  /** The looklook_travel connection: saga branches run their barrier and their change in one transaction on it. */
  db: SqlConn
  homestayModel: HomestayModel
  homestayActivityModel: HomestayActivityModel
  homestayBusinessModel: HomestayBusinessModel
  homestayCommentModel: HomestayCommentModel
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
    homestayActivityModel: new HomestayActivityModel(db, cache),
    homestayBusinessModel: new HomestayBusinessModel(db, cache),
    homestayCommentModel: new HomestayCommentModel(db, cache),
    homestayCalendarModel: new HomestayCalendarModel(db, cache),
    async close() {
      await db.close()
      cache.redis.disconnect()
    },
  }
}
