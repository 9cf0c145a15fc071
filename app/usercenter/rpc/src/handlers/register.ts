import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { isDuplicateKeyError } from '@looklook/model'
import { UserAuthType } from '@looklook/usercenter-model'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { RpcContext } from '@looklook/zrpc'
import type { RegisterReq, RegisterResp } from '../../gen/usercenter.ts'
import { UsercenterRefusals } from '../contract.ts'
import { issueToken } from '../logic/issue-token.ts'
import { hashPassword } from '../logic/password.ts'
import type { ServiceContext } from '../svc-context.ts'

/** How often a register waiting on another register of the same mobile looks again. */
const CLAIM_POLL_MS = 50

/** Deletes the claim only while it is still ours. */
const RELEASE_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

const errRegisterBusy = () =>
  new CodeError(ErrCode.SERVER_COMMON_ERROR, 'this mobile is being registered, please try again shortly', {
    unavailable: true,
    internal: false,
  })

/**
 * Creates `user` + `user_auth` in one transaction and returns a token. Concurrent registers of one
 * mobile take turns through a short claim in Redis: one hashes and inserts, the others wait and are
 * then told "already registered" — not a timeout after each spent a password hash in vain. The
 * unique index on mobile (and on authType+authKey) still decides, should a claim expire mid-way.
 */
export async function register(svc: ServiceContext, req: RegisterReq, ctx: RpcContext): Promise<RegisterResp> {
  const authType = req.authType || UserAuthType.system
  if (authType !== UserAuthType.system && authType !== UserAuthType.wxMini) throw CodeError.param(`unknown authType ${authType}`)
  if (!req.mobile) throw CodeError.param('mobile is required')
  if (authType === UserAuthType.system && !req.password) throw CodeError.param('password is required')
  const authKey = authType === UserAuthType.system ? req.mobile : req.authKey
  if (!authKey) throw CodeError.param('authKey is required')

  const release = await claimMobile(svc, req.mobile, ctx)
  let userId: number
  try {
    const password = req.password ? await svc.hashPool.run(ctx, () => hashPassword(req.password)) : ''
    const nickname = req.nickname || `looklook_${randomBytes(4).toString('hex')}`
    userId = await svc.db.transact(async (tx) => {
      const id = await svc.userModel.insert({ mobile: req.mobile, password, nickname, sex: 0, avatar: '', info: '' }, tx)
      await svc.userAuthModel.insert({ userId: id, authType, authKey }, tx)
      return id
    })
  } catch (err) {
    if (isDuplicateKeyError(err)) throw UsercenterRefusals.USER_ALREADY_REGISTERED()
    throw err
  } finally {
    await release()
  }
  return issueToken(svc, userId, ctx)
}

/** Waits until this call holds the mobile's register claim; throws "already registered" once the mobile is taken. */
async function claimMobile(svc: ServiceContext, mobile: string, ctx: RpcContext): Promise<() => Promise<void>> {
  const key = `register:claim:${mobile}`
  const id = randomBytes(8).toString('hex')
  for (;;) {
    if (await svc.userModel.findOneByMobile(mobile)) throw UsercenterRefusals.USER_ALREADY_REGISTERED()
    if (await svc.redis.set(key, id, 'PX', svc.config.Timeout, 'NX')) {
      return async () => {
        await svc.redis
          .eval(RELEASE_CLAIM, 1, key, id)
          .catch((err: unknown) => ctx.logger.warn({ err }, 'releasing a register claim failed'))
      }
    }
    if (ctx.deadline.getTime() - Date.now() < 2 * CLAIM_POLL_MS || ctx.signal.aborted) throw errRegisterBusy()
    await sleep(CLAIM_POLL_MS)
  }
}
