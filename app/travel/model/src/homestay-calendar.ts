import { defineModel, type Tx } from '@looklook/model'
import { homestayCalendarTable } from './gen/homestay-calendar.ts'

/** A night as `YYYY-MM-DD`: the date a guest sleeps there, checking out the day after. */
export type Night = string

/** One held night: the date and the order holding it. */
export interface HeldNight {
  night: Night
  orderSn: string
}

/**
 * The nights orders hold. Rows are written and deleted in the transactions of travel-rpc's saga branches
 * (with their barrier rows), never cached: availability must be read as committed.
 */
export class HomestayCalendarModel extends defineModel(homestayCalendarTable) {
  /** Holds every night for the order, or throws the duplicate-key error of the first night already held. */
  async holdNights(homestayId: number, nights: readonly Night[], orderSn: string, tx: Tx): Promise<void> {
    if (nights.length === 0) return
    await tx.exec(
      `INSERT INTO ${this.table.sqlTable} (\`homestay_id\`, \`night\`, \`order_sn\`) VALUES ${nights.map(() => '(?, ?, ?)').join(', ')}`,
      nights.flatMap((n) => [homestayId, n, orderSn]),
    )
  }

  /** Frees the nights the order holds at the homestay; how many there were. */
  async releaseNights(homestayId: number, orderSn: string, tx: Tx): Promise<number> {
    const res = await tx.exec(`DELETE FROM ${this.table.sqlTable} WHERE \`homestay_id\` = ? AND \`order_sn\` = ?`, [homestayId, orderSn])
    return res.affectedRows
  }

  /** The held nights of a homestay from `first` to `last` (both included). */
  heldBetween(homestayId: number, first: Night, last: Night, tx?: Tx): Promise<HeldNight[]> {
    return this.query<HeldNight>(
      `SELECT DATE_FORMAT(\`night\`, '%Y-%m-%d') AS night, \`order_sn\` AS orderSn FROM ${this.table.sqlTable}
       WHERE \`homestay_id\` = ? AND \`night\` BETWEEN ? AND ? ORDER BY \`night\``,
      [homestayId, first, last],
      tx,
    )
  }
}
