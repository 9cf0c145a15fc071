import { AsyncLocalStorage } from 'node:async_hooks'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { LoginResp } from '../../gen/usercenter.ts'
import type { ServiceContext } from '../svc-context.ts'

// Captured at load time, outside any call: runs a function without the finished call's deadline,
// which every rpc made inside that call would otherwise inherit (and fail at once, being past it).
const outsideAnyCall = AsyncLocalStorage.snapshot()

export const errLoginTooLate = () =>
  new CodeError(ErrCode.SERVER_COMMON_ERROR, 'login took too long, please try again', { unavailable: true, internal: false })

/**
 * Has identity-rpc issue the user's token (revoking the previous one), unless the caller has
 * already given up. When the token arrives after the caller was answered with an error, the token
 * is taken back (cleared only while it is still the current one), so no client is left without the
 * token that revoked its own and no token lives that no client received.
 */
export async function issueToken(svc: ServiceContext, userId: number, ctx: RpcContext): Promise<LoginResp> {
  if (ctx.signal.aborted) throw errLoginTooLate()
  const resp = await svc.identityRpc.generateToken({ userId })
  if (ctx.signal.aborted) {
    await outsideAnyCall(() => svc.identityRpc.clearToken({ userId, token: resp.accessToken })).catch((err: unknown) => {
      ctx.logger.error({ err, userId }, 'taking back the token of a login whose caller gave up failed')
    })
    throw errLoginTooLate()
  }
  return resp
}
