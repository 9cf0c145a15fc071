import { DBConf, extend, loadConfig, RedisConf, RpcClientConf, RpcServerConf, type Static, Type } from '@looklook/conf'

export const PasswordHashConf = Type.Object({
  /** Password hashes running at once; 0 means one per CPU core. */
  MaxInFlight: Type.Integer({ minimum: 0, default: 0 }),
  /** Hashes waiting for a slot; a login beyond that is refused at once (503) instead of queueing past its deadline. */
  MaxQueue: Type.Integer({ minimum: 0, default: 8 }),
})

export const LoginGuardConf = Type.Object({
  /** Wrong passwords for one mobile within WindowSeconds that lock its password login. */
  MaxFailures: Type.Integer({ minimum: 1, default: 5 }),
  WindowSeconds: Type.Integer({ minimum: 1, default: 900 }),
  LockSeconds: Type.Integer({ minimum: 1, default: 900 }),
})

export const UsercenterRpcConf = extend(RpcServerConf, {
  DB: DBConf,
  Cache: RedisConf,
  IdentityRpc: RpcClientConf,
  PasswordHash: Type.Object(PasswordHashConf.properties, { default: {} }),
  LoginGuard: Type.Object(LoginGuardConf.properties, { default: {} }),
})
export type UsercenterRpcConf = Static<typeof UsercenterRpcConf>

export function loadUsercenterRpcConf(file: string | URL = new URL('../etc/usercenter-rpc.yaml', import.meta.url)): UsercenterRpcConf {
  return loadConfig(UsercenterRpcConf, file)
}
