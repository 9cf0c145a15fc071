import type { Logger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import { createMqueueClient } from '@looklook/mqueue-rpc/client'
import { ThirdPaymentModel, ThirdPaymentOutboxModel } from '@looklook/payment-model'
import type { PaymentRpcConf } from './config.ts'
import { OutboxRelay, type PaymentEventPublisher } from './logic/outbox-relay.ts'

export interface ServiceContext {
  config: PaymentRpcConf
  logger: Logger
  db: SqlConn
  thirdPaymentModel: ThirdPaymentModel
  outboxModel: ThirdPaymentOutboxModel
  /** Publishes the outbox; started and stopped with the process (see main.ts). */
  relay: OutboxRelay
  close(): Promise<void>
}

/** `publisher` replaces the mqueue-rpc client (tests inject a failing or recording one). */
export function createServiceContext(
  config: PaymentRpcConf,
  logger: Logger,
  deps: { publisher?: PaymentEventPublisher } = {},
): ServiceContext {
  const db = new SqlConn(createPool(config.DB))
  const cache = new Cache(createRedis(config.Cache, { log: logger }), { log: logger })
  const mqueueRpc = deps.publisher ? undefined : createMqueueClient(config.MqueueRpc, logger)
  const outboxModel = new ThirdPaymentOutboxModel(db, cache)
  const publisher = deps.publisher ?? mqueueRpc
  if (!publisher) throw new Error('no payment event publisher')
  const relay = new OutboxRelay({ outbox: outboxModel, publisher, conf: config.Outbox, logger })
  return {
    config,
    logger,
    db,
    thirdPaymentModel: new ThirdPaymentModel(db, cache),
    outboxModel,
    relay,
    async close() {
      await relay.stop()
      mqueueRpc?.close()
      await db.close()
      cache.redis.disconnect()
    },
  }
}
