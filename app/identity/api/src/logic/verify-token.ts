import type { KeyObject } from 'node:crypto'
import { isCurrentToken } from '@looklook/identity-rpc/token-store'
import jwt from 'jsonwebtoken'
import type { ServiceContext } from '../svc-context.ts'

export interface VerifyResult {
  /** The caller's user id, 0 for an anonymous caller of a public route. */
  userId: number
  ok: boolean
}

/** Whether a path needs no token: an exact entry, or under an entry that ends in '/'. */
export function isPublicPath(noAuthUrls: readonly string[], path: string): boolean {
  return noAuthUrls.some((u) => (u.endsWith('/') ? path.startsWith(u) : path === u))
}

/** Accepts `Authorization: <jwt>` and `Authorization: Bearer <jwt>`. */
export function tokenFrom(authorization: string | undefined): string {
  if (!authorization) return ''
  const v = authorization.trim()
  return /^bearer\s+/i.test(v) ? v.replace(/^bearer\s+/i, '').trim() : v
}

function userIdFromJwt(token: string, key: KeyObject): number {
  try {
    const claims = jwt.verify(token, key, { algorithms: ['HS256'] })
    const id = typeof claims === 'object' ? Number(claims.jwtUserId) : Number.NaN
    return Number.isSafeInteger(id) && id > 0 ? id : 0
  } catch {
    return 0
  }
}

/**
 * The gateway rule (doc/gateway.md): a route needing login requires a valid token; a public route passes
 * without one as user 0, but a token that is sent must be valid. Valid = signed with our secret, not
 * expired, and still the one identity-rpc holds for the user in Redis (logout and a newer login
 * revoke it). The store is read on every request, never cached, so a revocation holds at once.
 */
export async function verifyToken(svc: ServiceContext, authorization: string | undefined, originalUri: string): Promise<VerifyResult> {
  const path = (originalUri || '/').split('?')[0] ?? '/'
  const token = tokenFrom(authorization)
  if (!token) return { userId: 0, ok: isPublicPath(svc.config.NoAuthUrls, path) }
  const userId = userIdFromJwt(token, svc.jwtKey)
  if (userId === 0) return { userId: 0, ok: false }
  return (await isCurrentToken(svc.redis, userId, token)) ? { userId, ok: true } : { userId: 0, ok: false }
}
