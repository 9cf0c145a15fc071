import { UserAuthType } from '@looklook/usercenter-model'
import { CodeError } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { LoginReq, LoginResp } from '../../gen/usercenter.ts'
import { UsercenterRefusals } from '../contract.ts'
import { issueToken } from '../logic/issue-token.ts'
import { decoyHash, verifyPassword } from '../logic/password.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * `system`: mobile + password, through the per-mobile failure counter and the bounded hash pool.
 * `wxMini`: the openid alone — usercenter-api calls this only after WeChat's code2Session has
 * proved the openid.
 */
export async function login(svc: ServiceContext, req: LoginReq, ctx: RpcContext): Promise<LoginResp> {
  let userId: number
  switch (req.authType) {
    case UserAuthType.system:
      userId = await checkPassword(svc, req, ctx)
      break
    case UserAuthType.wxMini: {
      const auth = req.authKey ? await svc.userAuthModel.findOneByAuthTypeAuthKey(UserAuthType.wxMini, req.authKey) : null
      if (!auth) throw UsercenterRefusals.USER_NOT_FOUND()
      userId = auth.userId
      break
    }
    default:
      throw CodeError.param(`unknown authType ${req.authType}`)
  }
  return issueToken(svc, userId, ctx)
}

/**
 * The user id behind a right mobile + password. An unknown mobile takes the same path as a wrong
 * password — counted, locked, hashed against a decoy, one message — so no answer tells whether a
 * mobile is registered.
 */
async function checkPassword(svc: ServiceContext, req: LoginReq, ctx: RpcContext): Promise<number> {
  if (!req.authKey || !req.password) throw CodeError.param('mobile and password are required')
  const attempt = await svc.loginGuard.admit(req.authKey)
  let userId = 0
  try {
    const user = await svc.userModel.findOneByMobile(req.authKey)
    const stored = user?.password || (await decoyHash())
    const matches = await svc.hashPool.run(ctx, () => verifyPassword(req.password, stored))
    if (matches && user?.password) userId = user.id
  } catch (err) {
    // Not a verdict on the password (pool full, database down): the attempt does not count.
    await attempt.release().catch((releaseErr: unknown) => ctx.logger.warn({ err: releaseErr }, 'releasing a login attempt failed'))
    throw err
  }
  await attempt.settle(userId > 0)
  if (!userId) throw UsercenterRefusals.MOBILE_OR_PASSWORD_INCORRECT()
  return userId
}
