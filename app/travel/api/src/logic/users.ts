import type { RequestCtx } from '@looklook/rest'
import type { User } from '@looklook/usercenter-rpc/gen'
import type { ServiceContext } from '../svc-context.ts'

/**
 * A user's public profile from usercenter-rpc, or undefined when it cannot be had. Lists decorate
 * their rows with profiles; like the Go original's list logic, one missing profile (or usercenter
 * being briefly away) is logged and degrades that row instead of failing the whole page.
 */
export async function profileOrUndefined(svc: ServiceContext, ctx: RequestCtx, userId: number): Promise<User | undefined> {
  try {
    const { user } = await svc.usercenterRpc.getUserInfo({ id: userId })
    return user ?? undefined
  } catch (err) {
    ctx.logger.warn({ err, userId }, 'user profile unavailable')
    return undefined
  }
}
