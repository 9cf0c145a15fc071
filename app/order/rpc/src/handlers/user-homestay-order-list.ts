import { ALL_TRADE_STATES } from '@looklook/order-model'
import { CodeError } from '@looklook/xerr'
import type { UserHomestayOrderListReq, UserHomestayOrderListResp } from '../../gen/order.ts'
import { toPbOrder } from '../logic/to-pb.ts'
import { isTradeState } from '../logic/trade-state.ts'
import type { ServiceContext } from '../svc-context.ts'

/** One keyset page (id desc) of a user's orders in one trade state, or in all of them with -99. */
export async function userHomestayOrderList(svc: ServiceContext, req: UserHomestayOrderListReq): Promise<UserHomestayOrderListResp> {
  if (!Number.isSafeInteger(req.userId) || req.userId < 1) throw CodeError.param('userId must be a positive integer')
  if (req.traderState !== ALL_TRADE_STATES && !isTradeState(req.traderState)) {
    throw CodeError.param(`traderState must be -99 (all) or one of -1, 0, 1, 2, 3, 4`)
  }
  // The model clamps pageSize to its hard bound and rejects a non-positive one or a negative lastId.
  const rows = await svc.homestayOrderModel.listByUser({
    userId: req.userId,
    tradeState: req.traderState,
    lastId: req.lastId,
    pageSize: req.pageSize,
  })
  return { list: rows.map((row) => toPbOrder(row, svc.config.TimeZone)) }
}
