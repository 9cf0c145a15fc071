import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { ItemModel } from '@looklook/{{name}}-model'
import type { {{Name}}RpcConf } from './config.ts'

export interface ServiceContext {
  config: {{Name}}RpcConf
  logger: Logger
  itemModel: ItemModel
  close(): Promise<void>
}

export function createServiceContext(config: {{Name}}RpcConf, logger: Logger): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  return {
    config,
    logger,
    itemModel: new ItemModel(db, cache),
    async close() {
      await db.close()
      cache.redis.disconnect()
    },
  }
}
