import { asBranch, branchInfoOf, withBarrier } from '@looklook/dtm'
import { isDuplicateKeyError } from '@looklook/model'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { HomestayOrderSagaReq, HomestayOrderSagaResp } from '../../gen/order.ts'
import { OrderRefusals } from '../contract.ts'
import { decodeOrder } from '../logic/booking-saga.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The booking saga's branch 1 action (doc/transactions.md): stores the priced order as wait-pay, in one
 * transaction with its barrier row. An sn clash answers ABORTED (ORDER_SN_TAKEN): createHomestayOrder
 * books again with a fresh sn.
 */
export async function sagaCreateHomestayOrder(
  svc: ServiceContext,
  req: HomestayOrderSagaReq,
  ctx: RpcContext,
): Promise<HomestayOrderSagaResp> {
  const info = branchInfoOf(ctx.metadata)
  return asBranch(async () => {
    if (info.op !== 'action') throw CodeError.param('sagaCreateHomestayOrder is a saga action')
    const order = decodeOrder(req)
    const outcome = await withBarrier(svc.db, info, async (tx) => {
      try {
        await svc.homestayOrderModel.insert(order, tx)
      } catch (err) {
        if (isDuplicateKeyError(err)) throw OrderRefusals.ORDER_SN_TAKEN()
        throw err
      }
    })
    ctx.logger.info({ gid: info.gid, sn: order.sn, outcome }, 'booking saga: order stored')
    return {}
  })
}
