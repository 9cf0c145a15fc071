import { BaseConf, ConfigError, DBConf, loadConfig, RedisConf, RpcClientConf, type Static, Type } from '@looklook/conf'
import { KafkaConsumerConf } from '@looklook/kq'

const Template = Type.Object({
  TemplateID: Type.String({ minLength: 1 }),
  /** Mini-program page the message opens; `?sn=<order sn>` is appended. Empty: the message opens nothing. */
  Page: Type.String({ default: '' }),
})

export const OrderMqConf = Type.Object({
  ...BaseConf,
  Kafka: KafkaConsumerConf,
  Redis: RedisConf,
  WorkerConcurrency: Type.Integer({ minimum: 1, default: 5 }),
  DB: DBConf,
  TimeZone: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
  OrderRpc: RpcClientConf,
  UsercenterRpc: RpcClientConf,
  MqueueRpc: RpcClientConf,
  PaymentRpc: RpcClientConf,
  WxMiniTemplates: Type.Object({
    PaySuccess: Template,
    CheckIn: Type.Composite([Template, Type.Object({ Remark: Type.String({ minLength: 1, maxLength: 20 }) })]),
  }),
})
export type OrderMqConf = Static<typeof OrderMqConf>

export function loadOrderMqConf(file: string | URL = new URL('../etc/order-mq.yaml', import.meta.url)): OrderMqConf {
  const conf = loadConfig(OrderMqConf, file)
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: conf.TimeZone })
  } catch {
    throw new ConfigError(`${file}: /TimeZone: unknown time zone ${JSON.stringify(conf.TimeZone)}`)
  }
  return conf
}
