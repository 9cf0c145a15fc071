import { CodeError } from '@looklook/xerr'
import { tradeStateName } from './logic/trade-state.ts'

// Domain errors use the common code with a clear message (doc/errors.md), as the Go original does.
export const errHomestayNotFound = () => CodeError.common('homestay does not exist')
export const errHomestayOffSale = () => CodeError.common('homestay is not on sale')
export const errUserNotFound = () => CodeError.common('user does not exist')
export const errOrderNotFound = () => CodeError.common('order does not exist')
export const errTransition = (from: number, to: number) =>
  CodeError.common(`an order that is ${tradeStateName(from)} cannot become ${tradeStateName(to)}`)
