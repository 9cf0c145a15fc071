import { registry } from '@looklook/metrics'
import { Counter, Gauge } from 'prom-client'

/** Messages a producer tried to write, by outcome (`ok` or `error`). */
export const kafkaProducerMessages = new Counter({
  name: 'kafka_producer_messages_total',
  help: 'kafka producer messages count.',
  labelNames: ['topic', 'result'] as const,
  registers: [registry],
})

/** Messages a consumer finished with: `ok`, `poison` (skipped at once) or `failed` (skipped after its retries). */
export const kafkaConsumerMessages = new Counter({
  name: 'kafka_consumer_messages_total',
  help: 'kafka consumer messages count.',
  labelNames: ['topic', 'group', 'result'] as const,
  registers: [registry],
})

/** Handler attempts that threw and were retried. */
export const kafkaConsumerRetries = new Counter({
  name: 'kafka_consumer_retries_total',
  help: 'kafka consumer handler retries count.',
  labelNames: ['topic', 'group'] as const,
  registers: [registry],
})

/** Messages behind the partition's high watermark after the last one this consumer finished. */
export const kafkaConsumerLag = new Gauge({
  name: 'kafka_consumer_lag',
  help: 'kafka consumer lag (messages behind the high watermark).',
  labelNames: ['topic', 'partition', 'group'] as const,
  registers: [registry],
})
