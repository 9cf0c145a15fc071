import { asBranch, branchInfoOf, withBarrier } from '@looklook/dtm'
import { isDuplicateKeyError } from '@looklook/model'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { NightsReq, NightsResp } from '../../gen/travel.ts'
import { TravelRefusals } from '../contract.ts'
import { nightsOf, positiveId } from '../logic/nights.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The booking saga's branch 2 action (doc/transactions.md): holds every night of the stay for the order,
 * in one transaction with its barrier row. A night another order holds fails the unique key, which rolls
 * the whole stay back and answers ABORTED (HOMESTAY_NIGHTS_TAKEN): dtm then compensates the saga and the
 * order is cancelled. A repeated call, or one arriving after its compensation, changes nothing.
 */
export async function reserveNights(svc: ServiceContext, req: NightsReq, ctx: RpcContext): Promise<NightsResp> {
  const info = branchInfoOf(ctx.metadata)
  return asBranch(async () => {
    if (info.op !== 'action') throw CodeError.param('reserveNights is a saga action')
    positiveId(req.homestayId, 'homestayId')
    if (!req.orderSn) throw CodeError.param('orderSn is required')
    const nights = nightsOf(req.startDate, req.endDate)
    const outcome = await withBarrier(svc.db, info, async (tx) => {
      try {
        await svc.homestayCalendarModel.holdNights(req.homestayId, nights, req.orderSn, tx)
      } catch (err) {
        if (isDuplicateKeyError(err)) throw TravelRefusals.HOMESTAY_NIGHTS_TAKEN()
        throw err
      }
    })
    ctx.logger.info({ gid: info.gid, homestayId: req.homestayId, orderSn: req.orderSn, nights: nights.length, outcome }, 'reserveNights')
    return {}
  })
}
