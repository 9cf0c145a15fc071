import { UserAuthType } from '@looklook/usercenter-model'
import { CodeError } from '@looklook/xerr'
import type { LoginReq, LoginResp } from '../../gen/usercenter.ts'
import { errMobileOrPassword, errUserNotFound } from '../errors.ts'
import { verifyPassword } from '../logic/password.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * `system`: mobile + password. `wxMini`: the openid alone — usercenter-api calls this only after
 * WeChat's code2Session has proved the openid.
 */
export async function login(svc: ServiceContext, req: LoginReq): Promise<LoginResp> {
  let userId: number
  switch (req.authType) {
    case UserAuthType.system: {
      if (!req.authKey || !req.password) throw CodeError.param('mobile and password are required')
      const user = await svc.userModel.findOneByMobile(req.authKey)
      // Same message for an unknown mobile and a wrong password: no account enumeration.
      if (!user || !(await verifyPassword(req.password, user.password))) throw errMobileOrPassword()
      userId = user.id
      break
    }
    case UserAuthType.wxMini: {
      const auth = req.authKey ? await svc.userAuthModel.findOneByAuthTypeAuthKey(UserAuthType.wxMini, req.authKey) : null
      if (!auth) throw errUserNotFound()
      userId = auth.userId
      break
    }
    default:
      throw CodeError.param(`unknown authType ${req.authType}`)
  }
  return svc.identityRpc.generateToken({ userId })
}
