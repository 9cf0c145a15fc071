import { randomBytes } from 'node:crypto'
import type { Cache } from '@looklook/model'
import { UsercenterRefusals } from '../contract.ts'

export interface LoginGuardOptions {
  /** Wrong passwords within `windowSeconds` that lock the account's password login. */
  maxFailures: number
  windowSeconds: number
  lockSeconds: number
  /** How long an attempt holds its place before it is presumed dead (its process crashed mid-check). */
  attemptTtlMs: number
}

/** An admitted attempt: settle it once the password was checked, or release it when it was not. */
export interface LoginAttempt {
  settle(passwordOk: boolean): Promise<void>
  release(): Promise<void>
}

// Keys are per login name (the mobile), whether or not an account has it, so the answers never tell
// a registered mobile from an unknown one. KEYS: failures, lock, attempts in flight (a sorted set of
// attempt ids scored by when they are presumed dead).
//
// admit: refused while locked; otherwise admitted only while failures + attempts in flight stay
// below the limit, so a burst of concurrent guesses cannot check more passwords than the limit allows.
const ADMIT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[2])
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures + redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[1]) then return -2 end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('PEXPIREAT', KEYS[3], ARGV[3])
return failures`

// settle: a right password clears the failures; a wrong one counts, and the limit-th locks the account.
const SETTLE = `
redis.call('ZREM', KEYS[3], ARGV[1])
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) return 0 end
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
if failures >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[5])
  redis.call('DEL', KEYS[1])
end
return failures`

const RELEASE = `return redis.call('ZREM', KEYS[3], ARGV[1])`

/**
 * The per-account failure counter of password login, in Redis so every usercenter-rpc replica
 * shares it: after `maxFailures` wrong passwords within `windowSeconds` the password login of that
 * mobile is locked for `lockSeconds` — a right password is refused too while locked — and a right
 * password before the limit clears the count.
 */
export class LoginGuard {
  readonly #redis: Cache['redis']
  readonly #opts: LoginGuardOptions

  constructor(redis: Cache['redis'], opts: LoginGuardOptions) {
    this.#redis = redis
    this.#opts = opts
  }

  static keys(authKey: string): [string, string, string] {
    return [`login:fail:${authKey}`, `login:lock:${authKey}`, `login:attempts:${authKey}`]
  }

  /** Admits one password check for `authKey`, or throws the lock refusal (400) or a try-again (503). */
  async admit(authKey: string): Promise<LoginAttempt> {
    const { maxFailures, windowSeconds, lockSeconds, attemptTtlMs } = this.#opts
    const keys = LoginGuard.keys(authKey)
    const id = randomBytes(8).toString('hex')
    const now = Date.now()
    const admitted = Number(await this.#redis.eval(ADMIT, 3, ...keys, maxFailures, now, now + attemptTtlMs, id))
    if (admitted === -1) throw UsercenterRefusals.USER_LOGIN_LOCKED(lockSeconds)
    if (admitted === -2) throw UsercenterRefusals.LOGIN_ATTEMPTS_IN_FLIGHT()
    return {
      settle: async (passwordOk) => {
        await this.#redis.eval(SETTLE, 3, ...keys, id, passwordOk ? 1 : 0, maxFailures, windowSeconds, lockSeconds)
      },
      release: async () => {
        await this.#redis.eval(RELEASE, 3, ...keys, id)
      },
    }
  }
}
