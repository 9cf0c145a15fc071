import { createSecretKey, type KeyObject } from 'node:crypto'
import type { Logger } from '@looklook/logx'
import { createRedis, type Redis } from '@looklook/model/redis'
import type { IdentityApiConf } from './config.ts'

export interface ServiceContext {
  config: IdentityApiConf
  /** The token store identity-rpc writes; read here so the gateway check costs one Redis GET, not an rpc. */
  redis: Redis
  /**
   * The HS256 secret as a key object, made once. Given the secret as a string, jsonwebtoken first
   * tries to read it as a public key on every verify and fails (an exception each time) before using
   * it as a secret: the largest single cost of a gateway check.
   */
  jwtKey: KeyObject
  close(): Promise<void>
}

export function createServiceContext(config: IdentityApiConf, logger: Logger): ServiceContext {
  const redis = createRedis(config.Redis, { log: logger })
  return {
    config,
    redis,
    jwtKey: createSecretKey(Buffer.from(config.JwtAuth.AccessSecret, 'utf8')),
    async close() {
      await redis.quit()
    },
  }
}
