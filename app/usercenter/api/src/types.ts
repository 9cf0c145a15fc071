import { Type } from '@sinclair/typebox'

/** Mainland China mobile numbers, as the `user.mobile char(11)` column holds them. */
export const Mobile = Type.String({ pattern: '^1[3-9][0-9]{9}$', description: '11-digit mobile number' })
export const Password = Type.String({ minLength: 6, maxLength: 64 })

export const TokenResp = Type.Object({
  accessToken: Type.String(),
  accessExpire: Type.Integer({ description: 'unix seconds' }),
  refreshAfter: Type.Integer({ description: 'unix seconds' }),
})

export const UserInfo = Type.Object({
  id: Type.Integer(),
  mobile: Type.String(),
  nickname: Type.String(),
  sex: Type.Integer(),
  avatar: Type.String(),
  info: Type.String(),
})
