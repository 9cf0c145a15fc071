import { defineModel, type Tx } from '@looklook/model'
import { type ThirdPayment, thirdPaymentTable } from './gen/third-payment.ts'

/** `third_payment.pay_status`, as the Go original numbers it. */
export const PayStatus = Object.freeze({ failed: -1, wait: 0, success: 1, refund: 2 } as const)

/**
 * The "not set" value of the DATETIME columns: the DDL default `'1970-01-01 08:00:00'` as the driver
 * reads it (connections run in UTC).
 */
export const ZERO_TIME: Date = new Date('1970-01-01T08:00:00Z')

/** `third_payment.pay_mode`. */
export const PayMode = Object.freeze({ wechatPay: 'WECHAT_PAY' } as const)

export class ThirdPaymentModel extends defineModel(thirdPaymentTable) {
  findOneBySn(sn: string, tx?: Tx): Promise<ThirdPayment | null> {
    return this.findOneBy({ sn }, tx)
  }

  /** The row locked for the rest of `tx` (concurrent notifications of one payment queue up here). */
  async findOneBySnForUpdate(sn: string, tx: Tx): Promise<ThirdPayment | null> {
    const rows = await this.queryRows(`${this.selectSql} WHERE \`sn\` = ? AND \`del_state\` = 0 LIMIT 1 FOR UPDATE`, [sn], tx)
    return rows[0] ?? null
  }

  /**
   * Every payment of an order, newest first, locked for the rest of `tx`. Locking the order's index
   * range also blocks concurrent inserts for that order, so "reuse the wait payment or create one"
   * decided under it cannot create two.
   */
  findByOrderSnForUpdate(orderSn: string, tx: Tx): Promise<ThirdPayment[]> {
    return this.queryRows(`${this.selectSql} WHERE \`order_sn\` = ? AND \`del_state\` = 0 ORDER BY \`id\` DESC FOR UPDATE`, [orderSn], tx)
  }

  /** The paid or refunded payment of an order (newest), or null. */
  async findSuccessOrRefundByOrderSn(orderSn: string): Promise<ThirdPayment | null> {
    const rows = await this.findAll({
      where: '`order_sn` = ? AND `pay_status` IN (?, ?)',
      args: [orderSn, PayStatus.success, PayStatus.refund],
      limit: 1,
    })
    return rows[0] ?? null
  }
}
