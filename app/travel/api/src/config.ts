import { DBConf, extend, loadConfig, RedisConf, RestConf, RpcClientConf, type Static } from '@looklook/conf'

export const TravelApiConf = extend(RestConf, {
  DB: DBConf,
  Cache: RedisConf,
  TravelRpc: RpcClientConf,
  UsercenterRpc: RpcClientConf,
})
export type TravelApiConf = Static<typeof TravelApiConf>

export function loadTravelApiConf(file: string | URL = new URL('../etc/travel-api.yaml', import.meta.url)): TravelApiConf {
  return loadConfig(TravelApiConf, file)
}
