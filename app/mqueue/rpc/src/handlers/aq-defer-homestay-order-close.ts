import { CloseHomestayOrderJob } from '@looklook/queue'
import { CodeError } from '@looklook/xerr'
import type { AqDeferHomestayOrderCloseReq, AqDeferHomestayOrderCloseResp } from '../../gen/mqueue.ts'
import type { ServiceContext } from '../svc-context.ts'

// BullMQ job ids may not contain ':' (and purely numeric ids are refused); order sns are letters and digits.
const SN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/

/**
 * Schedules the close of an unpaid order after `CloseOrderDelaySeconds`. The job id is the sn, so
 * scheduling the same order twice (a retried rpc) leaves one job.
 */
export async function aqDeferHomestayOrderClose(
  svc: ServiceContext,
  req: AqDeferHomestayOrderCloseReq,
): Promise<AqDeferHomestayOrderCloseResp> {
  if (!SN.test(req.sn)) throw CodeError.param('sn is invalid')
  await svc.orderQueue.add(CloseHomestayOrderJob, { sn: req.sn }, { jobId: req.sn, delay: svc.config.CloseOrderDelaySeconds * 1000 })
  return {}
}
