import type { RequestCtx } from '@looklook/rest'
import { UserAuthType, UsercenterRefusals } from '@looklook/usercenter-rpc/contract'
import type { User } from '@looklook/usercenter-rpc/gen'
import type { ServiceContext } from '../svc-context.ts'

export interface TokenTriple {
  accessToken: string
  accessExpire: number
  refreshAfter: number
}

export function register(svc: ServiceContext, req: { mobile: string; password: string }): Promise<TokenTriple> {
  return svc.usercenterRpc.register({
    mobile: req.mobile,
    password: req.password,
    nickname: '',
    authKey: req.mobile,
    authType: UserAuthType.system,
  })
}

export function login(svc: ServiceContext, req: { mobile: string; password: string }): Promise<TokenTriple> {
  return svc.usercenterRpc.login({ authType: UserAuthType.system, authKey: req.mobile, password: req.password })
}

export async function detail(svc: ServiceContext, ctx: RequestCtx): Promise<{ userInfo: User }> {
  const { user } = await svc.usercenterRpc.getUserInfo({ id: ctx.userId })
  if (!user) throw UsercenterRefusals.USER_NOT_FOUND()
  return { userInfo: user }
}

export async function logout(svc: ServiceContext, ctx: RequestCtx): Promise<Record<string, never>> {
  await svc.usercenterRpc.logout({ userId: ctx.userId })
  return {}
}
