import { randomBytes } from 'node:crypto'
import { isDuplicateKeyError } from '@looklook/model'
import { UserAuthType } from '@looklook/usercenter-model'
import { CodeError } from '@looklook/xerr'
import type { RegisterReq, RegisterResp } from '../../gen/usercenter.ts'
import { errUserAlreadyRegistered } from '../errors.ts'
import { hashPassword } from '../logic/password.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * Creates `user` + `user_auth` in one transaction and returns a token. The unique index on mobile
 * (and on authType+authKey) decides races: of N concurrent registers of one mobile exactly one wins.
 */
export async function register(svc: ServiceContext, req: RegisterReq): Promise<RegisterResp> {
  const authType = req.authType || UserAuthType.system
  if (authType !== UserAuthType.system && authType !== UserAuthType.wxMini) throw CodeError.param(`unknown authType ${authType}`)
  if (!req.mobile) throw CodeError.param('mobile is required')
  if (authType === UserAuthType.system && !req.password) throw CodeError.param('password is required')
  const authKey = authType === UserAuthType.system ? req.mobile : req.authKey
  if (!authKey) throw CodeError.param('authKey is required')

  if (await svc.userModel.findOneByMobile(req.mobile)) throw errUserAlreadyRegistered()

  const password = req.password ? await hashPassword(req.password) : ''
  const nickname = req.nickname || `looklook_${randomBytes(4).toString('hex')}`
  let userId: number
  try {
    userId = await svc.db.transact(async (tx) => {
      const id = await svc.userModel.insert({ mobile: req.mobile, password, nickname, sex: 0, avatar: '', info: '' }, tx)
      await svc.userAuthModel.insert({ userId: id, authType, authKey }, tx)
      return id
    })
  } catch (err) {
    if (isDuplicateKeyError(err)) throw errUserAlreadyRegistered()
    throw err
  }
  return svc.identityRpc.generateToken({ userId })
}
