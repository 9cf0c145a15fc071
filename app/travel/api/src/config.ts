import { extend, loadConfig, RestConf, RpcClientConf, type Static, Type } from '@looklook/conf'

export const TravelApiConf = extend(RestConf, {
  TravelRpc: RpcClientConf,
  UsercenterRpc: RpcClientConf,
  /** IANA zone of the business calendar: availability reads the instants it is asked about as dates there, as order-rpc does. */
  TimeZone: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
})
export type TravelApiConf = Static<typeof TravelApiConf>

export function loadTravelApiConf(file: string | URL = new URL('../etc/travel-api.yaml', import.meta.url)): TravelApiConf {
  return loadConfig(TravelApiConf, file)
}
