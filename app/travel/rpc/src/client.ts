import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type TravelService, travelProto, travelServiceName } from '../gen/travel.ts'

export type TravelClient = RpcClient<TravelService>

/** A typed travel-rpc client for other processes (order-rpc prices orders with it). */
export function createTravelClient(conf: TRpcClientConf, logger: Logger): TravelClient {
  return createRpcClient<TravelService>(travelProto, travelServiceName, conf, logger)
}

export { HOMESTAY_NOT_FOUND } from './contract.ts'
