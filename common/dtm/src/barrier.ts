import { retryOnLockConflict, type SqlConn, type Tx } from '@looklook/model'
import type { BranchInfo } from './branch.ts'

/** The barrier table every business database a branch writes to holds (deploy/dtm/020-barrier.sql). */
export const BARRIER_TABLE = 'dtm_barrier'

/**
 * What the barrier made of a branch call: the business change ran (`applied`), or it was skipped as a
 * compensation whose action never ran (`null-compensation`, which also blocks that action if it arrives
 * later), or as a repeat of an op already done or an action arriving after its compensation (`skipped`).
 */
export type BarrierOutcome = 'applied' | 'null-compensation' | 'skipped'

/** The op whose row a compensation inserts first, as dtm's barrier does: a saga's compensate undoes its action. */
const ORIGIN_OP: Record<string, string> = { compensate: 'action', cancel: 'try', rollback: 'action' }

/**
 * dtm's sub-transaction barrier (client/dtmcli/barrier.go) on a mysql2 connection: in one local
 * transaction, INSERT IGNORE the origin op's row (for a compensation), then the current op's row, then
 * run `fn` only when the current row is new and, for a compensation, the action's row was already
 * there. `fn`'s changes and the barrier rows commit together or not at all: a failing `fn` rolls both
 * back, so dtm's retry finds no row and runs it again. A transaction MySQL rolls back over a lock
 * conflict (concurrent branches inserting into one unique range: overlapping stays holding the same
 * nights) runs again at once, barrier rows included, rather than waiting for dtm's next retry: `fn` must
 * change nothing outside `tx`.
 */
export async function withBarrier(
  db: SqlConn,
  info: BranchInfo,
  fn: (tx: Tx) => Promise<void>,
  table = BARRIER_TABLE,
): Promise<BarrierOutcome> {
  const barrierId = '01'
  const insert = (tx: Tx, op: string) =>
    tx.exec(
      `INSERT IGNORE INTO \`${table}\` (\`trans_type\`, \`gid\`, \`branch_id\`, \`op\`, \`barrier_id\`, \`reason\`) VALUES (?, ?, ?, ?, ?, ?)`,
      [info.transType, info.gid, info.branchId, op, barrierId, info.op],
    )
  return retryOnLockConflict(() =>
    db.transact(async (tx) => {
      const origin = ORIGIN_OP[info.op]
      const originAffected = origin ? (await insert(tx, origin)).affectedRows : 0
      const currentAffected = (await insert(tx, info.op)).affectedRows
      if (origin && originAffected > 0) return 'null-compensation'
      if (currentAffected === 0) return 'skipped'
      await fn(tx)
      return 'applied'
    }),
  )
}
