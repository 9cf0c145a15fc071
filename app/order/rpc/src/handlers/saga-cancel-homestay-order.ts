import { asBranch, branchInfoOf, withBarrier } from '@looklook/dtm'
import { TradeState } from '@looklook/order-model'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { HomestayOrderSagaReq, HomestayOrderSagaResp } from '../../gen/order.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * The booking saga's branch 1 compensation: cancels the wait-pay order the action stored, when the
 * nights could not be held. An order that is not wait-pay any more is left as it is: a cancelled one needs
 * nothing, and a paid one (paid while its saga was still retrying) is logged for an operator, since no
 * compensation may take a guest's paid stay away.
 */
export async function sagaCancelHomestayOrder(
  svc: ServiceContext,
  req: HomestayOrderSagaReq,
  ctx: RpcContext,
): Promise<HomestayOrderSagaResp> {
  const info = branchInfoOf(ctx.metadata)
  return asBranch(async () => {
    if (info.op !== 'compensate') throw CodeError.param('sagaCancelHomestayOrder is a saga compensation')
    const model = svc.homestayOrderModel
    const outcome = await withBarrier(svc.db, info, async (tx) => {
      const [order] = await model.queryRows(`${model.selectSql} WHERE \`sn\` = ? AND \`del_state\` = 0 LIMIT 1 FOR UPDATE`, [req.sn], tx)
      if (!order || order.tradeState === TradeState.cancelled) return
      if (order.tradeState !== TradeState.waitPay) {
        ctx.logger.error(
          { gid: info.gid, sn: req.sn, tradeState: order.tradeState },
          'booking saga rolled back for an order no longer wait-pay; left as it is',
        )
        return
      }
      order.tradeState = TradeState.cancelled
      await model.updateWithVersion(order, tx)
    })
    ctx.logger.info({ gid: info.gid, sn: req.sn, outcome }, 'booking saga: order cancelled')
    return {}
  })
}
