import { CodeError } from '@looklook/xerr'

// Domain errors use the common code with a clear message (doc/errors.md). Another user's order gets the same
// answer as a missing one, so order numbers cannot be probed.
export const errOrderNotFound = () => CodeError.common('order does not exist')
export const errOrderNotWaitPay = () => CodeError.common('the order is not waiting for payment')
export const errOrderPayExpired = () => CodeError.common('the order was not paid in time, please book again')
export const errNoWechatAuth = () => CodeError.common('paying with WeChat needs a WeChat login: sign in through the mini program first')
export const errWechatPay = (cause: unknown) => CodeError.common('WeChat Pay is unavailable, please try again later', cause)
