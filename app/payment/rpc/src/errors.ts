import { CodeError } from '@looklook/xerr'

// Domain errors use the common code with a clear message (doc/errors.md), as the Go original does.
export const errPaymentNotFound = () => CodeError.common('payment does not exist')
export const errOrderAlreadyPaid = () => CodeError.common('the order has already been paid')
export const errPaymentInProgress = () => CodeError.common('another payment of this order is in progress')
export const errStateTransition = (from: number, to: number) =>
  CodeError.common(`a payment with pay status ${from} cannot change to pay status ${to}`)

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
