import { asBranch, type BranchInfo, branchInfoOf, withBarrier } from '@looklook/dtm'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { NightsReq, NightsResp } from '../../gen/travel.ts'
import { positiveId } from '../logic/nights.ts'
import type { ServiceContext } from '../svc-context.ts'

/** The booking saga's branch holding the nights (order-rpc's saga: 01 the order, 02 the nights). */
const NIGHTS_BRANCH = '02'

/**
 * The booking saga's branch 2 compensation: frees the nights the order holds. Called by dtm when the saga
 * rolls back, and by order-rpc (as this same compensation of the order's saga) when the order is
 * cancelled, closed, expired or refunded — directly, or through a dtm msg when travel-rpc could not be
 * reached; the barrier makes every call after the first a no-op, and a compensation that comes first
 * blocks a reservation still on its way.
 */
export async function releaseNights(svc: ServiceContext, req: NightsReq, ctx: RpcContext): Promise<NightsResp> {
  const called = branchInfoOf(ctx.metadata)
  // order-rpc hands a release it could not deliver to dtm as a msg, which dtm retries until it is done: it
  // runs as the same compensation of the order's saga (gid = order sn), behind the same barrier.
  const info: BranchInfo =
    called.transType === 'msg' && called.op === 'action'
      ? { gid: req.orderSn, transType: 'saga', branchId: NIGHTS_BRANCH, op: 'compensate' }
      : called
  return asBranch(async () => {
    if (info.op !== 'compensate') throw CodeError.param('releaseNights is a saga compensation')
    positiveId(req.homestayId, 'homestayId')
    if (!req.orderSn) throw CodeError.param('orderSn is required')
    let released = 0
    const outcome = await withBarrier(svc.db, info, async (tx) => {
      released = await svc.homestayCalendarModel.releaseNights(req.homestayId, req.orderSn, tx)
    })
    ctx.logger.info({ gid: info.gid, homestayId: req.homestayId, orderSn: req.orderSn, released, outcome }, 'releaseNights')
    return {}
  })
}
