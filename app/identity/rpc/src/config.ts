import { extend, loadConfig, RedisConf, RpcServerConf, type Static, Type } from '@looklook/conf'

export const JwtAuthConf = Type.Object({
  AccessSecret: Type.String({ minLength: 16 }),
  /** Seconds a token lives. */
  AccessExpire: Type.Integer({ minimum: 60 }),
})

export const IdentityRpcConf = extend(RpcServerConf, {
  JwtAuth: JwtAuthConf,
  Redis: RedisConf,
})
export type IdentityRpcConf = Static<typeof IdentityRpcConf>

export function loadIdentityRpcConf(file: string | URL = new URL('../etc/identity-rpc.yaml', import.meta.url)): IdentityRpcConf {
  return loadConfig(IdentityRpcConf, file)
}
