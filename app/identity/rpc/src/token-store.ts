/**
 * Where a user's one valid token lives: `user_token:{id}` in Redis holds the last issued access
 * token; a newer login overwrites it and a logout deletes it. identity-rpc writes it; identity-api
 * reads it on every gateway request, so a revoked token is refused at once, with no cache between.
 */
import type { Redis } from 'ioredis'

/** Redis key holding the one valid token of a user. */
export const tokenKey = (userId: number): string => `user_token:${userId}`

/** Whether `token` is the one Redis holds for the user (false when none is held). */
export async function isCurrentToken(redis: Redis, userId: number, token: string): Promise<boolean> {
  if (!userId || !token) return false
  const stored = await redis.get(tokenKey(userId))
  return stored !== null && stored === token
}
