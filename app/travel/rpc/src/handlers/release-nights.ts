import { asBranch, branchInfoOf, withBarrier } from '@looklook/dtm'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { NightsReq, NightsResp } from '../../gen/travel.ts'
import { positiveId } from '../logic/nights.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The booking saga's branch 2 compensation: frees the nights the order holds. Called by dtm when the saga
 * rolls back, and by order-rpc (as this same compensation of the order's saga) when the order is
 * cancelled, closed, expired or refunded; the barrier makes the second of those calls a no-op, and a
 * compensation that comes first blocks a reservation still on its way.
 */
export async function releaseNights(svc: ServiceContext, req: NightsReq, ctx: RpcContext): Promise<NightsResp> {
  const info = branchInfoOf(ctx.metadata)
  return asBranch(async () => {
    if (info.op !== 'compensate') throw CodeError.param('releaseNights is a saga compensation')
    positiveId(req.homestayId, 'homestayId')
    let released = 0
    const outcome = await withBarrier(svc.db, info, async (tx) => {
      released = await svc.homestayCalendarModel.releaseNights(req.homestayId, req.orderSn, tx)
    })
    ctx.logger.info({ gid: info.gid, homestayId: req.homestayId, orderSn: req.orderSn, released, outcome }, 'releaseNights')
    return {}
  })
}
