import { DBConf, extend, loadConfig, RedisConf, RpcServerConf, type Static } from '@looklook/conf'

export const TravelRpcConf = extend(RpcServerConf, {
  DB: DBConf,
  Cache: RedisConf,
})
export type TravelRpcConf = Static<typeof TravelRpcConf>

export function loadTravelRpcConf(file: string | URL = new URL('../etc/travel-rpc.yaml', import.meta.url)): TravelRpcConf {
  return loadConfig(TravelRpcConf, file)
}
