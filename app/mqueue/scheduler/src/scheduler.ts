import type { Logger } from '@looklook/logx'
import { CloseStaleOrdersJob, createJobQueue, ExpirePaidOrdersJob, HOMESTAY_ORDER_QUEUE } from '@looklook/queue'
import type { MqueueSchedulerConf } from './config.ts'

/** Fixed ids: every start upserts the same schedulers, so replicas and restarts never duplicate them. */
export const EXPIRE_PAID_ORDERS_SCHEDULER = 'homestay-order-expire-paid'
export const CLOSE_STALE_ORDERS_SCHEDULER = 'homestay-order-close-stale'

const RETRY_MS = 1_000

/**
 * mqueue-scheduler, the Go original's asynq scheduler: it only registers repeatable jobs (BullMQ
 * job schedulers) on the homestay-order queue; order-mq's worker does the work, with the order
 * database and order-rpc it already has. The schedules live in Redis, so they keep firing while
 * this process is down; a start with a changed config updates them in place. Whenever the Redis
 * connection becomes ready again (Redis restarted, possibly without its data) they are upserted
 * again, so the sweeps never stop silently until this process restarts. It also reports the
 * queue's depth (`bullmq_queue_depth`).
 */
export function createScheduler(conf: MqueueSchedulerConf, logger: Logger) {
  const queue = createJobQueue(HOMESTAY_ORDER_QUEUE, { redis: conf.Redis, logger })
  const { ExpirePaidOrders, CloseStaleOrders } = conf.Schedules
  let stopped = false
  let retry: NodeJS.Timeout | undefined

  async function register(): Promise<void> {
    await queue.schedule(EXPIRE_PAID_ORDERS_SCHEDULER, { every: ExpirePaidOrders.EveryMs }, ExpirePaidOrdersJob, {
      batchSize: ExpirePaidOrders.BatchSize,
    })
    await queue.schedule(CLOSE_STALE_ORDERS_SCHEDULER, { every: CloseStaleOrders.EveryMs }, CloseStaleOrdersJob, {
      olderThanSeconds: conf.CloseOrderDelaySeconds + CloseStaleOrders.GraceSeconds,
      batchSize: CloseStaleOrders.BatchSize,
    })
  }

  // After a reconnect: upsert until it succeeds (Redis can drop again right after 'ready').
  function reregister(): void {
    if (stopped) return
    clearTimeout(retry)
    register().then(
      () => logger.info('order sweeps scheduled again after the Redis connection came back'),
      (err: unknown) => {
        if (stopped) return
        logger.error({ err }, 'scheduling the order sweeps again failed, retrying')
        retry = setTimeout(reregister, RETRY_MS)
      },
    )
  }

  return {
    queue,
    async start() {
      await queue.ready()
      await register()
      logger.info({ expireEveryMs: ExpirePaidOrders.EveryMs, closeStaleEveryMs: CloseStaleOrders.EveryMs }, 'order sweeps scheduled')
      // ioredis emits 'ready' on every (re)connection; the first one is behind us by now.
      const client = await queue.queue.getBackend().client
      client.on('ready', reregister)
    },
    async stop() {
      stopped = true
      clearTimeout(retry)
      await queue.close()
    },
  }
}
