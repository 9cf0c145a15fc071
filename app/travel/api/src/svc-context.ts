import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { HomestayActivityModel, HomestayBusinessModel, HomestayCommentModel, HomestayModel } from '@looklook/travel-model'
import { createTravelClient, type TravelClient } from '@looklook/travel-rpc/client'
import { createUsercenterClient, type UsercenterClient } from '@looklook/usercenter-rpc/client'
import type { TravelApiConf } from './config.ts'

/**
 * travel-api reads the catalogue tables itself, as the Go original's travel-api does: the travel
 * proto (mirrored from the Go original) has only homestayDetail, and list pages are read-only
 * queries plus row reads through the Redis cache that travel-rpc shares, so an extra hop per list
 * would add latency and no isolation. The single-homestay read goes through travel-rpc, the same
 * path order-rpc uses; boss and commenter profiles come from usercenter-rpc.
 */
export interface ServiceContext {
  config: TravelApiConf
  travelRpc: TravelClient
  usercenterRpc: UsercenterClient
  homestayModel: HomestayModel
  homestayActivityModel: HomestayActivityModel
  homestayBusinessModel: HomestayBusinessModel
  homestayCommentModel: HomestayCommentModel
  close(): Promise<void>
}

export function createServiceContext(config: TravelApiConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  const travelRpc = createTravelClient(config.TravelRpc, logger)
  const usercenterRpc = createUsercenterClient(config.UsercenterRpc, logger)
  return {
    config,
    travelRpc,
    usercenterRpc,
    homestayModel: new HomestayModel(db, cache),
    homestayActivityModel: new HomestayActivityModel(db, cache),
    homestayBusinessModel: new HomestayBusinessModel(db, cache),
    homestayCommentModel: new HomestayCommentModel(db, cache),
    async close() {
      travelRpc.close()
      usercenterRpc.close()
      await db.close()
      cache.redis.disconnect()
    },
  }
}
