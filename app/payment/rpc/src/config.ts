import { DBConf, extend, loadConfig, RedisConf, RpcClientConf, RpcServerConf, type Static, Type } from '@looklook/conf'

export const OutboxConf = Type.Object({
  PollIntervalMs: Type.Integer({ minimum: 10, default: 1000 }),
  BatchSize: Type.Integer({ minimum: 1, maximum: 500, default: 20 }),
  MinBackoffMs: Type.Integer({ minimum: 1, default: 500 }),
  MaxBackoffMs: Type.Integer({ minimum: 1, default: 10000 }),
})
export type OutboxConf = Static<typeof OutboxConf>

export const PaymentRpcConf = extend(RpcServerConf, {
  DB: DBConf,
  Cache: RedisConf,
  MqueueRpc: RpcClientConf,
  Outbox: OutboxConf,
})
export type PaymentRpcConf = Static<typeof PaymentRpcConf>

export function loadPaymentRpcConf(file: string | URL = new URL('../etc/payment-rpc.yaml', import.meta.url)): PaymentRpcConf {
  return loadConfig(PaymentRpcConf, file)
}
