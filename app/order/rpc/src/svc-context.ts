import { DtmClient } from '@looklook/dtm'
import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { createMqueueClient, type MqueueClient } from '@looklook/mqueue-rpc/client'
import { HomestayOrderModel } from '@looklook/order-model'
import { createTravelClient, type TravelClient } from '@looklook/travel-rpc/client'
import { createUsercenterClient, type UsercenterClient } from '@looklook/usercenter-rpc/client'
import type { OrderRpcConf } from './config.ts'

export interface ServiceContext {
  config: OrderRpcConf
  logger: Logger
  /** The looklook_order connection: saga branches run their barrier and their change in one transaction on it. */
  db: SqlConn
  homestayOrderModel: HomestayOrderModel
  dtm: DtmClient
  travelRpc: TravelClient
  mqueueRpc: MqueueClient
  usercenterRpc: UsercenterClient
  close(): Promise<void>
}

export function createServiceContext(config: OrderRpcConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  const travelRpc = createTravelClient(config.TravelRpc, logger)
  const mqueueRpc = createMqueueClient(config.MqueueRpc, logger)
  const usercenterRpc = createUsercenterClient(config.UsercenterRpc, logger)
  const dtm = new DtmClient(config.Dtm)
  return {
    config,
    logger,
    db,
    homestayOrderModel: new HomestayOrderModel(db, cache),
    dtm,
    travelRpc,
    mqueueRpc,
    usercenterRpc,
    async close() {
      travelRpc.close()
      mqueueRpc.close()
      usercenterRpc.close()
      dtm.close()
      await db.close()
      cache.redis.disconnect()
    },
  }
}
