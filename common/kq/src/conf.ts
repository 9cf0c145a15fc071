import { type Static, Type } from '@sinclair/typebox'
import { splitBrokers } from './brokers.ts'
import type { RetryPolicy } from './consumer.ts'

/**
 * The `Kafka` block of a consumer process (go-zero's kq.KqConf keys): brokers, topic, group, where
 * a new group starts (`Offset`), and how a failing handler is retried before its message is skipped.
 */
export const KafkaConsumerConf = Type.Object({
  Brokers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  Topic: Type.String({ minLength: 1 }),
  Group: Type.String({ minLength: 1 }),
  Offset: Type.Union([Type.Literal('first'), Type.Literal('last')], { default: 'first' }),
  Retry: Type.Object(
    {
      Attempts: Type.Integer({ minimum: 1, default: 5 }),
      InitialBackoffMs: Type.Integer({ minimum: 1, default: 500 }),
      MaxBackoffMs: Type.Integer({ minimum: 1, default: 10_000 }),
    },
    { default: {} },
  ),
})
export type KafkaConsumerConf = Static<typeof KafkaConsumerConf>

/** The {@link createConsumer} options a `Kafka` block stands for. */
export function consumerConfOptions(conf: KafkaConsumerConf): {
  brokers: string[]
  topic: string
  groupId: string
  fromBeginning: boolean
  retry: RetryPolicy
} {
  return {
    brokers: splitBrokers(conf.Brokers),
    topic: conf.Topic,
    groupId: conf.Group,
    fromBeginning: conf.Offset === 'first',
    retry: { attempts: conf.Retry.Attempts, initialBackoffMs: conf.Retry.InitialBackoffMs, maxBackoffMs: conf.Retry.MaxBackoffMs },
  }
}
