import type { Logger } from '@looklook/logx'
import { CloseStaleOrdersJob, createJobQueue, ExpirePaidOrdersJob, HOMESTAY_ORDER_QUEUE } from '@looklook/queue'
import type { MqueueSchedulerConf } from './config.ts'

/** Fixed ids: every start upserts the same schedulers, so replicas and restarts never duplicate them. */
export const EXPIRE_PAID_ORDERS_SCHEDULER = 'homestay-order-expire-paid'
export const CLOSE_STALE_ORDERS_SCHEDULER = 'homestay-order-close-stale'

/**
 * mqueue-scheduler, the Go original's asynq scheduler: it only registers repeatable jobs (BullMQ
 * job schedulers) on the homestay-order queue; order-mq's worker does the work, with the order
 * database and order-rpc it already has. The schedules live in Redis, so they keep firing while
 * this process is down; a start with a changed config updates them in place. It also reports the
 * queue's depth (`bullmq_queue_depth`).
 */
export function createScheduler(conf: MqueueSchedulerConf, logger: Logger) {
  const queue = createJobQueue(HOMESTAY_ORDER_QUEUE, { redis: conf.Redis, logger })
  const { ExpirePaidOrders, CloseStaleOrders } = conf.Schedules
  return {
    queue,
    async start() {
      await queue.ready()
      await queue.schedule(EXPIRE_PAID_ORDERS_SCHEDULER, { every: ExpirePaidOrders.EveryMs }, ExpirePaidOrdersJob, {
        batchSize: ExpirePaidOrders.BatchSize,
      })
      await queue.schedule(CLOSE_STALE_ORDERS_SCHEDULER, { every: CloseStaleOrders.EveryMs }, CloseStaleOrdersJob, {
        olderThanSeconds: conf.CloseOrderDelaySeconds + CloseStaleOrders.GraceSeconds,
        batchSize: CloseStaleOrders.BatchSize,
      })
      logger.info({ expireEveryMs: ExpirePaidOrders.EveryMs, closeStaleEveryMs: CloseStaleOrders.EveryMs }, 'order sweeps scheduled')
    },
    stop: () => queue.close(),
  }
}
