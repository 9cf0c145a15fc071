import { extend, loadConfig, RestConf, RpcClientConf, type Static } from '@looklook/conf'

export const OrderApiConf = extend(RestConf, {
  OrderRpc: RpcClientConf,
  PaymentRpc: RpcClientConf,
})
export type OrderApiConf = Static<typeof OrderApiConf>

export function loadOrderApiConf(file: string | URL = new URL('../etc/order-api.yaml', import.meta.url)): OrderApiConf {
  return loadConfig(OrderApiConf, file)
}
