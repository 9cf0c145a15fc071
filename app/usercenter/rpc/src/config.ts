import { DBConf, extend, loadConfig, RedisConf, RpcClientConf, RpcServerConf, type Static } from '@looklook/conf'

export const UsercenterRpcConf = extend(RpcServerConf, {
  DB: DBConf,
  Cache: RedisConf,
  IdentityRpc: RpcClientConf,
})
export type UsercenterRpcConf = Static<typeof UsercenterRpcConf>

export function loadUsercenterRpcConf(file: string | URL = new URL('../etc/usercenter-rpc.yaml', import.meta.url)): UsercenterRpcConf {
  return loadConfig(UsercenterRpcConf, file)
}
