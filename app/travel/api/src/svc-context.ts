import type { Logger } from '@looklook/logx'
import { createTravelClient, type TravelClient } from '@looklook/travel-rpc/client'
import { createUsercenterClient, type UsercenterClient } from '@looklook/usercenter-rpc/client'
import type { TravelApiConf } from './config.ts'

/**
 * travel-api holds no database or cache of its own: the catalogue comes from travel-rpc, which alone
 * reads the travel tables (through its Redis row cache), and boss and commenter profiles come from
 * usercenter-rpc. The logic here joins the two and turns fen into yuan.
 */
export interface ServiceContext {
  config: TravelApiConf
  travelRpc: TravelClient
  usercenterRpc: UsercenterClient
  close(): Promise<void>
}

export function createServiceContext(config: TravelApiConf, logger: Logger): ServiceContext {
  const travelRpc = createTravelClient(config.TravelRpc, logger)
  const usercenterRpc = createUsercenterClient(config.UsercenterRpc, logger)
  return {
    config,
    travelRpc,
    usercenterRpc,
    async close() {
      travelRpc.close()
      usercenterRpc.close()
    },
  }
}
