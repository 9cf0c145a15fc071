import { KafkaPusher, splitBrokers } from '@looklook/kq'
import type { Logger } from '@looklook/logx'
import { createJobQueue, HOMESTAY_ORDER_QUEUE, type JobQueue } from '@looklook/queue'
import type { MqueueRpcConf } from './config.ts'

export interface ServiceContext {
  config: MqueueRpcConf
  logger: Logger
  pusher: KafkaPusher
  orderQueue: JobQueue
  /** Connects to Kafka and Redis; Kafka being down is logged, not fatal (pushes retry the connection). */
  open(): Promise<void>
  close(): Promise<void>
}

export function createServiceContext(config: MqueueRpcConf, logger: Logger): ServiceContext {
  const pusher = new KafkaPusher({
    brokers: splitBrokers(config.Kafka.Brokers),
    clientId: config.Name,
    logger,
    sendTimeoutMs: config.Kafka.PushTimeoutMs,
  })
  // mqueue-scheduler reports this queue's depth; a second reporter would count every job twice in sums.
  const orderQueue = createJobQueue(HOMESTAY_ORDER_QUEUE, { redis: config.Redis, logger, monitor: false })
  return {
    config,
    logger,
    pusher,
    orderQueue,
    async open() {
      await orderQueue.ready()
      await pusher.connect().catch((err: unknown) => logger.warn({ err }, 'kafka is not reachable yet; pushes will fail until it is'))
    },
    async close() {
      await pusher.close()
      await orderQueue.close()
    },
  }
}
