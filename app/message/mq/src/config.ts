import { BaseConf, loadConfig, type Static, Type } from '@looklook/conf'
import { KafkaConsumerConf } from '@looklook/kq'

export const MessageMqConf = Type.Object({
  ...BaseConf,
  Kafka: KafkaConsumerConf,
  WxMiniConf: Type.Object({
    AppId: Type.String({ minLength: 1 }),
    Secret: Type.String({ minLength: 1 }),
    BaseUrl: Type.String({ pattern: '^https?://' }),
    StableToken: Type.Boolean({ default: true }),
    TimeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
  }),
  MiniprogramState: Type.Union([Type.Literal('developer'), Type.Literal('trial'), Type.Literal('formal')], { default: 'formal' }),
  Lang: Type.Union([Type.Literal('zh_CN'), Type.Literal('en_US'), Type.Literal('zh_HK'), Type.Literal('zh_TW')], { default: 'zh_CN' }),
})
export type MessageMqConf = Static<typeof MessageMqConf>

export function loadMessageMqConf(file: string | URL = new URL('../etc/message-mq.yaml', import.meta.url)): MessageMqConf {
  return loadConfig(MessageMqConf, file)
}
