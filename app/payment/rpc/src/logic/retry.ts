import { isLockConflict } from '../errors.ts'

const ATTEMPTS = 4

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
