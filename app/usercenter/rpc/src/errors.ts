import { CodeError } from '@looklook/xerr'

// Domain errors use the common code with a clear message (doc/errors.md), as the Go original does.
export const errUserAlreadyRegistered = () => CodeError.common('user has been registered')
export const errMobileOrPassword = () => CodeError.common('mobile or password is incorrect')
export const errUserNotFound = () => CodeError.common('user does not exist')
