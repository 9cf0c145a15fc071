import type { PaymentUpdatePayStatusMessage } from '@looklook/kq'
import { CodeError } from '@looklook/xerr'
import type { KqPaymentStatusUpdateReq, KqPaymentStatusUpdateResp } from '../../gen/mqueue.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * Publishes a payment's new pay status for order-mq. Keyed by the order sn, so events of one order
 * stay in order even on a topic with several partitions. Rejects (rpc error) when Kafka cannot
 * take the event: the caller must keep it and try again.
 */
export async function kqPaymenStatusUpdate(svc: ServiceContext, req: KqPaymentStatusUpdateReq): Promise<KqPaymentStatusUpdateResp> {
  if (!req.orderSn) throw CodeError.param('orderSn is required')
  if (!Number.isSafeInteger(req.payStatus)) throw CodeError.param('payStatus must be an integer')
  const message: PaymentUpdatePayStatusMessage = { payStatus: req.payStatus, orderSn: req.orderSn }
  await svc.pusher.push(svc.config.Kafka.PaymentUpdatePayStatusTopic, message, { key: req.orderSn })
  return {}
}
