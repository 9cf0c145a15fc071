import { extend, loadConfig, RedisConf, RpcServerConf, type Static, Type } from '@looklook/conf'

export const MqueueRpcConf = extend(RpcServerConf, {
  Kafka: Type.Object({
    Brokers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    PaymentUpdatePayStatusTopic: Type.String({ minLength: 1, default: 'payment-update-paystatus-topic' }),
    SendWxMiniTplMessageTopic: Type.String({ minLength: 1, default: 'send-wx-mini-tpl-message' }),
    PushTimeoutMs: Type.Integer({ minimum: 100, default: 1500 }),
  }),
  Redis: RedisConf,
  CloseOrderDelaySeconds: Type.Integer({ minimum: 1, default: 1200 }),
})
export type MqueueRpcConf = Static<typeof MqueueRpcConf>

export function loadMqueueRpcConf(file: string | URL = new URL('../etc/mqueue-rpc.yaml', import.meta.url)): MqueueRpcConf {
  return loadConfig(MqueueRpcConf, file)
}
