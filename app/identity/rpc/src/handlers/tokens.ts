import { randomBytes } from 'node:crypto'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
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
import { isCurrentToken, tokenKey } from '../token-store.ts'

/**
 * Time the answer needs to travel back to the client once the token is written (identity-rpc →
 * usercenter-rpc → usercenter-api → client, all local hops). A login with less time left fails
 * instead of rotating the token: writing it would revoke the user's working token for one whose
 * client is about to be told the login failed.
 */
export const TOKEN_WRITE_MARGIN_MS = 250

/** Deletes the key only while it still holds the given token (compare-and-delete in one step). */
const CLEAR_IF_CURRENT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

const tooLate = () =>
  new CodeError(ErrCode.SERVER_COMMON_ERROR, 'login took too long, please try again', { unavailable: true, internal: false })

function positiveUserId(userId: number): void {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw CodeError.param('userId must be a positive integer')
}

/**
 * Issues a token and makes it the user's one valid token (`user_token:{userId}` holds the JWT
 * itself, with the token's TTL). The write happens only while the call's propagated deadline
 * leaves {@link TOKEN_WRITE_MARGIN_MS} and the caller has not given up; a call whose caller was
 * gone by the time the write returned takes it back, so no token is left that no client received.
 */
export async function generateToken(svc: ServiceContext, req: GenerateTokenReq, ctx?: RpcContext): Promise<GenerateTokenResp> {
  positiveUserId(req.userId)
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
  if (ctx && (ctx.signal.aborted || ctx.deadline.getTime() - Date.now() < TOKEN_WRITE_MARGIN_MS)) throw tooLate()
  await svc.redis.set(tokenKey(req.userId), accessToken, 'EX', AccessExpire)
  if (ctx?.signal.aborted) {
    await svc.redis.eval(CLEAR_IF_CURRENT, 1, tokenKey(req.userId), accessToken)
    throw tooLate()
  }
  return { accessToken, accessExpire: now + AccessExpire, refreshAfter: now + Math.floor(AccessExpire / 2) }
}

export async function validateToken(svc: ServiceContext, req: ValidateTokenReq): Promise<ValidateTokenResp> {
  return { userId: req.userId, ok: await isCurrentToken(svc.redis, req.userId, req.token) }
}

/** Logout or user removal (no token given), or a caller taking back the token it was issued (token given). */
export async function clearToken(svc: ServiceContext, req: ClearTokenReq): Promise<ClearTokenResp> {
  positiveUserId(req.userId)
  if (req.token) await svc.redis.eval(CLEAR_IF_CURRENT, 1, tokenKey(req.userId), req.token)
  else await svc.redis.del(tokenKey(req.userId))
  return { ok: true }
}
