import { type Static, Type } from '@sinclair/typebox'

/** Mainland China mobile numbers, as the `user.mobile char(11)` column holds them. */
export const Mobile = Type.String({ pattern: '^1[3-9][0-9]{9}$', description: '11-digit mobile number' })
export const Password = Type.String({ minLength: 6, maxLength: 64 })

/** A user's profile as the api shows it: usercenter-rpc's message (which has no password). */
export const User = Type.Object({
  id: Type.Integer(),
  mobile: Type.String(),
  nickname: Type.String(),
  sex: Type.Integer(),
  avatar: Type.String(),
  info: Type.String(),
})
export type User = Static<typeof User>

export const Empty = Type.Object({})

/** What register and login take: the mobile is the login name. */
export const Credentials = Type.Object({ mobile: Mobile, password: Password })
export type Credentials = Static<typeof Credentials>

export const WxMiniAuthReq = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 128 }),
  iv: Type.String({ minLength: 1, maxLength: 64 }),
  encryptedData: Type.String({ minLength: 1, maxLength: 16384 }),
})
export type WxMiniAuthReq = Static<typeof WxMiniAuthReq>

export const TokenResp = Type.Object({
  accessToken: Type.String(),
  accessExpire: Type.Integer({ description: 'unix seconds' }),
  refreshAfter: Type.Integer({ description: 'unix seconds' }),
})
export type TokenResp = Static<typeof TokenResp>

export const UserDetailResp = Type.Object({ userInfo: User })
export type UserDetailResp = Static<typeof UserDetailResp>
