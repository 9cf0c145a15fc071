import { defineRefusals, ErrCode } from '@looklook/xerr'

/** `user_auth.auth_type`: how a user signs in (payment-api pays with the mini-program openid of `wxMini`). */
export { UserAuthType } from '@looklook/usercenter-model'

const forHowLong = (seconds: number) => (seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`)

/** usercenter's refusals (doc/errors.md, Refusals and reasons); order-rpc and usercenter-api raise USER_NOT_FOUND too. */
export const UsercenterRefusals = defineRefusals({
  USER_NOT_FOUND: 'user does not exist',
  USER_ALREADY_REGISTERED: 'user has been registered',
  MOBILE_OR_PASSWORD_INCORRECT: 'mobile or password is incorrect',
  USER_LOGIN_LOCKED: {
    code: ErrCode.USER_LOGIN_LOCKED,
    message: (lockSeconds: number) =>
      `too many failed logins: password login for this account is locked for ${forHowLong(lockSeconds)}, please try again later`,
  },
  // A refusal for this one account, not an outage: as a 503 it would feed the callers' breakers, and a
  // flood on one account would open them for every other user's login.
  LOGIN_ATTEMPTS_IN_FLIGHT: 'too many login attempts for this account at once, please try again shortly',
})
