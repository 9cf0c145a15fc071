import { consumerConfOptions, createConsumer, type KafkaConsumer, PaymentUpdatePayStatusMessage } from '@looklook/kq'
import {
  CloseHomestayOrderJob,
  CloseStaleOrdersJob,
  createJobWorker,
  ExpirePaidOrdersJob,
  HOMESTAY_ORDER_QUEUE,
  handle,
  type JobWorker,
} from '@looklook/queue'
import { paymentUpdatePayStatus } from './consumers/payment-update-paystatus.ts'
import { closeHomestayOrder } from './jobs/close-homestay-order.ts'
import { closeStaleOrders } from './jobs/close-stale-orders.ts'
import { expirePaidOrders } from './jobs/expire-paid-orders.ts'
import type { ServiceContext } from './svc-context.ts'

/** order-mq's two listeners (the Go original's kq and asynq listeners), built without starting. */
export function createListeners(svc: ServiceContext): { payments: KafkaConsumer; jobs: JobWorker } {
  const payments = createConsumer({
    ...consumerConfOptions(svc.config.Kafka),
    clientId: svc.config.Name,
    logger: svc.logger,
    schema: PaymentUpdatePayStatusMessage,
    handler: (msg) => paymentUpdatePayStatus(svc, msg),
  })
  const jobs = createJobWorker(HOMESTAY_ORDER_QUEUE, {
    redis: svc.config.Redis,
    logger: svc.logger,
    concurrency: svc.config.WorkerConcurrency,
    handlers: [
      handle(CloseHomestayOrderJob, (data) => closeHomestayOrder(svc, data)),
      handle(ExpirePaidOrdersJob, (data) => expirePaidOrders(svc, data)),
      handle(CloseStaleOrdersJob, (data) => closeStaleOrders(svc, data)),
    ],
  })
  return { payments, jobs }
}
