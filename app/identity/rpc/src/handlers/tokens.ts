import { randomBytes } from 'node:crypto'
import { CodeError, ErrCode } from '@looklook/xerr'
import jwt from 'jsonwebtoken'
import type {
  ClearTokenReq,
  ClearTokenResp,
  GenerateTokenReq,
  GenerateTokenResp,
  ValidateTokenReq,
  ValidateTokenResp,
} from '../../gen/identity.ts'
import type { ServiceContext } from '../svc-context.ts'

/** Redis key holding the one valid token of a user: a new login or a logout replaces or removes it. */
export const tokenKey = (userId: number) => `user_token:${userId}`

export async function generateToken(svc: ServiceContext, req: GenerateTokenReq): Promise<GenerateTokenResp> {
  if (!Number.isSafeInteger(req.userId) || req.userId <= 0) throw CodeError.param('userId must be a positive integer')
  const { AccessSecret, AccessExpire } = svc.config.JwtAuth
  const now = Math.floor(Date.now() / 1000)
  // jti makes two logins within the same second produce different tokens, so the second still revokes the first.
  const claims = { iat: now, exp: now + AccessExpire, jwtUserId: req.userId, jti: randomBytes(8).toString('hex') }
  let accessToken: string
  try {
    accessToken = jwt.sign(claims, AccessSecret, { algorithm: 'HS256' })
  } catch (err) {
    throw new CodeError(ErrCode.TOKEN_GENERATE_ERROR, undefined, { cause: err })
  }
  await svc.redis.set(tokenKey(req.userId), accessToken, 'EX', AccessExpire)
  return { accessToken, accessExpire: now + AccessExpire, refreshAfter: now + Math.floor(AccessExpire / 2) }
}

export async function validateToken(svc: ServiceContext, req: ValidateTokenReq): Promise<ValidateTokenResp> {
  if (!req.userId || !req.token) return { userId: req.userId, ok: false }
  const stored = await svc.redis.get(tokenKey(req.userId))
  return { userId: req.userId, ok: stored !== null && stored === req.token }
}

export async function clearToken(svc: ServiceContext, req: ClearTokenReq): Promise<ClearTokenResp> {
  if (!Number.isSafeInteger(req.userId) || req.userId <= 0) throw CodeError.param('userId must be a positive integer')
  await svc.redis.del(tokenKey(req.userId))
  return { ok: true }
}
