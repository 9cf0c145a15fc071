import { defineModel, type Tx } from '@looklook/model'
import { type HomestayOrder, homestayOrderTable } from './gen/homestay-order.ts'

/** `homestay_order.trade_state` values, as the Go original numbers them. */
export const TradeState = Object.freeze({
  cancelled: -1,
  waitPay: 0,
  waitUse: 1,
  used: 2,
  refunded: 3,
  expired: 4,
} as const)

export type TradeStateValue = (typeof TradeState)[keyof typeof TradeState]

/** `homestay_order.need_food`. */
export const NeedFood = Object.freeze({ no: 0, yes: 1 } as const)

/** `traderState` value of a list query that matches every state. */
export const ALL_TRADE_STATES = -99

export interface UserOrderPage {
  userId: number
  /** A {@link TradeState} value, or {@link ALL_TRADE_STATES}. */
  tradeState: number
  lastId: number
  pageSize: number
}

/**
 * An order keeps a snapshot of the homestay as it was when placed (title … market price), so later
 * edits of the listing do not change it. The stay dates are DATE columns: their calendar day is the
 * UTC date of the values.
 */
export class HomestayOrderModel extends defineModel(homestayOrderTable) {
  findOneBySn(sn: string, tx?: Tx): Promise<HomestayOrder | null> {
    return this.findOneBy({ sn }, tx)
  }

  /**
   * The row straight from MySQL, bypassing the cache: read-modify-write under the version lock
   * must start from the latest version, not from a cache entry a racing reader may have refilled.
   */
  async findOneBySnFromDb(sn: string): Promise<HomestayOrder | null> {
    const rows = await this.queryRows(`${this.selectSql} WHERE \`sn\` = ? AND \`del_state\` = 0 LIMIT 1`, [sn])
    return rows[0] ?? null
  }

  /** One keyset page of a user's orders, newest first (served by the `(user_id, id)` index). */
  listByUser(q: UserOrderPage): Promise<HomestayOrder[]> {
    const all = q.tradeState === ALL_TRADE_STATES
    return this.findPageByIdDesc({
      where: all ? '`user_id` = ?' : '`user_id` = ? AND `trade_state` = ?',
      args: all ? [q.userId] : [q.userId, q.tradeState],
      lastId: q.lastId,
      pageSize: q.pageSize,
    })
  }
}
