import type { RequestCtx } from '@looklook/rest'
import { UserAuthType } from '@looklook/usercenter-rpc/contract'
import { code2Session, decryptUserData, WechatApiError, WechatDecryptError } from '@looklook/wechat'
import { CodeError } from '@looklook/xerr'
import type { ServiceContext } from '../svc-context.ts'
import type { TokenTriple } from './user.ts'

export interface WxMiniAuthReq {
  code: string
  iv: string
  encryptedData: string
}

/**
 * Mini-program login (the Go original's wxMiniAuthLogic): code → openid + session_key with
 * WeChat, decrypt the profile with the session key, then log in the user bound to that openid or
 * register one (mobile from the decrypted phone number, nickname from the profile).
 */
export async function wxMiniAuth(svc: ServiceContext, ctx: RequestCtx, req: WxMiniAuthReq): Promise<TokenTriple> {
  let openid: string
  let mobile: string
  let nickname: string
  try {
    const session = await code2Session(svc.wxMini, req.code)
    const data = decryptUserData(session.session_key, req.iv, req.encryptedData, svc.wxMini.appId)
    openid = session.openid
    mobile = data.purePhoneNumber || data.phoneNumber || ''
    nickname = data.nickName || (mobile.length >= 8 ? `LookLook${mobile.slice(7)}` : 'LookLook')
  } catch (err) {
    // A bad or reused code, a wrong iv or a payload for another app is the caller's fault; WeChat being
    // unreachable is not, and stays a server error.
    if (err instanceof WechatApiError || err instanceof WechatDecryptError) {
      ctx.logger.warn({ err }, 'wxMiniAuth rejected by WeChat or decryption')
      throw CodeError.param('wechat login failed, please retry', err)
    }
    throw err
  }
  const { userAuth } = await svc.usercenterRpc.getUserAuthByAuthKey({ authKey: openid, authType: UserAuthType.wxMini })
  if (userAuth) return svc.usercenterRpc.login({ authType: UserAuthType.wxMini, authKey: openid, password: '' })
  if (!/^1[3-9][0-9]{9}$/.test(mobile)) throw CodeError.param('wechat account has no usable mobile number')
  return svc.usercenterRpc.register({ mobile, nickname, password: '', authKey: openid, authType: UserAuthType.wxMini })
}
