import { fileURLToPath } from 'node:url'
import { ConfigError, DBConf, extend, loadConfig, RedisConf, RpcClientConf, RpcServerConf, type Static, Type } from '@looklook/conf'
import { DtmConf } from '@looklook/dtm'

export const OrderRpcConf = extend(RpcServerConf, {
  DB: DBConf,
  Cache: RedisConf,
  /** IANA zone of the business calendar (stay dates, "today", order numbers). */
  TimeZone: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
  TravelRpc: RpcClientConf,
  MqueueRpc: RpcClientConf,
  UsercenterRpc: RpcClientConf,
  Dtm: DtmConf,
  /** The `host:port` dtm calls each branch of the booking saga on. */
  SagaBranches: Type.Object({ Order: Type.String({ minLength: 1 }), Travel: Type.String({ minLength: 1 }) }),
})
export type OrderRpcConf = Static<typeof OrderRpcConf>

/** Throws a ConfigError when `zone` is not an IANA time zone this Node.js knows. */
export function checkTimeZone(zone: string, source = 'config'): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
  } catch {
    throw new ConfigError(`${source}: /TimeZone: unknown time zone ${JSON.stringify(zone)}`)
  }
}

export function loadOrderRpcConf(file: string | URL = new URL('../etc/order-rpc.yaml', import.meta.url)): OrderRpcConf {
  const conf = loadConfig(OrderRpcConf, file)
  checkTimeZone(conf.TimeZone, file instanceof URL ? fileURLToPath(file) : file)
  return conf
}
