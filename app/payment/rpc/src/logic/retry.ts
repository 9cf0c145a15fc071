const ATTEMPTS = 4

interface DriverError {
  errno?: number
  code?: string
}

/**
 * Whether MySQL chose this transaction as a deadlock victim (1213) or gave up waiting for a lock (1205).
 * Both roll the transaction back and are safe to retry from the start.
 */
export function isLockConflict(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 10; depth++) {
    const d = typeof e === 'object' ? (e as DriverError) : undefined
    if (d?.errno === 1213 || d?.errno === 1205 || d?.code === 'ER_LOCK_DEADLOCK' || d?.code === 'ER_LOCK_WAIT_TIMEOUT') return true
    e = e instanceof Error ? e.cause : undefined
  }
  return false
}

/**
 * Runs a transaction again when MySQL rolled it back over a lock conflict. Two first payments of one
 * order both lock the (empty) index range and both try to insert: one of them becomes the deadlock
 * victim, and on its second run it finds the winner's row.
 */
export async function retryOnLockConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (attempt >= ATTEMPTS || !isLockConflict(err)) throw err
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20))
    }
  }
}
