import { type UserAuth, UserAuthType } from '@looklook/usercenter-model'
import { CodeError } from '@looklook/xerr'
import type {
  GetUserAuthByAuthKeyReq,
  GetUserAuthByAuthKeyResp,
  GetUserAuthByUserIdReq,
  GetUserAuthByUserIdResp,
  GetUserInfoReq,
  GetUserInfoResp,
  LogoutReq,
  LogoutResp,
  UserAuth as PbUserAuth,
  RemoveUserReq,
  RemoveUserResp,
} from '../../gen/usercenter.ts'
import { UsercenterRefusals } from '../contract.ts'
import { toPbUser, toPbUserAuth } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

function toPbAuth(a: UserAuth | null): PbUserAuth | null {
  return a ? toPbUserAuth(a) : null
}

export async function getUserInfo(svc: ServiceContext, req: GetUserInfoReq): Promise<GetUserInfoResp> {
  const user = req.id > 0 ? await svc.userModel.findOne(req.id) : null
  if (!user) throw UsercenterRefusals.USER_NOT_FOUND()
  return { user: toPbUser(user) }
}

/** An unknown auth is not an error: the answer carries no userAuth (wxMiniAuth then registers the user). */
export async function getUserAuthByAuthKey(svc: ServiceContext, req: GetUserAuthByAuthKeyReq): Promise<GetUserAuthByAuthKeyResp> {
  if (!req.authKey || !req.authType) return { userAuth: null }
  return { userAuth: toPbAuth(await svc.userAuthModel.findOneByAuthTypeAuthKey(req.authType, req.authKey)) }
}

export async function getUserAuthByUserId(svc: ServiceContext, req: GetUserAuthByUserIdReq): Promise<GetUserAuthByUserIdResp> {
  if (!(req.userId > 0) || !req.authType) return { userAuth: null }
  return { userAuth: toPbAuth(await svc.userAuthModel.findOneByUserIdAuthType(req.userId, req.authType)) }
}

export async function logout(svc: ServiceContext, req: LogoutReq): Promise<LogoutResp> {
  return svc.identityRpc.clearToken({ userId: req.userId, token: '' })
}

/**
 * Deletes the user and every login identity of theirs in one transaction (the mobile and openid
 * can register again), then clears their token, so a token issued before the removal is refused
 * at once by the gateway. Rows first: a login racing the removal finds no user and issues nothing.
 * Idempotent — a retry after a failed token clear finishes the job.
 */
export async function removeUser(svc: ServiceContext, req: RemoveUserReq): Promise<RemoveUserResp> {
  if (!Number.isSafeInteger(req.userId) || req.userId <= 0) throw CodeError.param('userId must be a positive integer')
  await svc.db.transact(async (tx) => {
    for (const authType of Object.values(UserAuthType)) {
      const auth = await svc.userAuthModel.findOneByUserIdAuthType(req.userId, authType, tx)
      if (auth) await svc.userAuthModel.delete(auth.id, tx)
    }
    await svc.userModel.delete(req.userId, tx)
  })
  await svc.identityRpc.clearToken({ userId: req.userId, token: '' })
  return { ok: true }
}
