import { defineModel, type Tx } from '@looklook/model'
import { type ThirdPaymentOutbox, thirdPaymentOutboxTable } from './gen/third-payment-outbox.ts'
import { ZERO_TIME } from './third-payment.ts'

/** `third_payment_outbox.state`. */
export const OutboxState = Object.freeze({ pending: 0, sent: 1, dead: 2 } as const)

/** The payment events waiting for (or already given to) Kafka; see deploy/sql/041-payment-outbox.sql. */
export class ThirdPaymentOutboxModel extends defineModel(thirdPaymentOutboxTable) {
  /**
   * Records the event of one pay_status change; part of the transaction that made the change.
   * `traceParent` (W3C) is the context of that change, so the event is published within its trace.
   */
  add(event: { paymentSn: string; orderSn: string; payStatus: number; traceParent: string }, tx: Tx): Promise<number> {
    return this.insert({ ...event, state: OutboxState.pending, attempts: 0, lastError: '', sentTime: ZERO_TIME }, tx)
  }

  /**
   * Up to `limit` pending events, oldest first, locked for the rest of `tx`. SKIP LOCKED passes over
   * rows another relay (another replica) holds, so no event goes out twice from two relays at once.
   */
  claimPending(limit: number, tx: Tx): Promise<ThirdPaymentOutbox[]> {
    return this.queryRows(
      `${this.selectSql} WHERE \`state\` = ? AND \`del_state\` = 0 ORDER BY \`id\` LIMIT ? FOR UPDATE SKIP LOCKED`,
      [OutboxState.pending, limit],
      tx,
    )
  }

  markSent(id: number, tx: Tx): Promise<unknown> {
    return this.exec('UPDATE `third_payment_outbox` SET `state` = ?, `sent_time` = ? WHERE `id` = ?', [OutboxState.sent, new Date(), id], {
      tx,
    })
  }

  /** Counts a failed attempt; `dead` retires an event the receiver rejected as invalid, so it cannot block the queue. */
  markFailed(id: number, error: string, dead: boolean, tx: Tx): Promise<unknown> {
    return this.exec(
      'UPDATE `third_payment_outbox` SET `attempts` = `attempts` + 1, `last_error` = ?, `state` = ? WHERE `id` = ?',
      [error.slice(0, 512), dead ? OutboxState.dead : OutboxState.pending, id],
      { tx },
    )
  }

  /** The events of one payment, oldest first. */
  findByPaymentSn(paymentSn: string): Promise<ThirdPaymentOutbox[]> {
    return this.findAll({ where: '`payment_sn` = ?', args: [paymentSn], orderBy: '`id`' })
  }
}
