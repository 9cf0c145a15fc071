/**
 * Kafka for looklook, the go-zero `kq` equivalent on kafkajs: a producer whose `push` fails when
 * Kafka cannot take the message, and a consumer-group runner that commits after the handler,
 * skips poison messages, retries transient failures a bounded number of times, survives broker
 * restarts and carries W3C trace context in message headers. Metrics land on the shared registry.
 */
export { splitBrokers } from './brokers.ts'
export { consumerConfOptions, KafkaConsumerConf } from './conf.ts'
export { type ConsumerOptions, createConsumer, type KafkaConsumer, type MessageMeta, type RetryPolicy } from './consumer.ts'
export { PoisonMessageError } from './errors.ts'
export { PaymentUpdatePayStatusMessage, SendWxMiniSubMessage, Topics } from './messages.ts'
export { kafkaConsumerLag, kafkaConsumerMessages, kafkaConsumerRetries, kafkaProducerMessages } from './metrics.ts'
export { KafkaPusher, type PusherOptions, type PushOptions } from './producer.ts'
