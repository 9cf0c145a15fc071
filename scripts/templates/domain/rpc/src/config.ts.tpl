import { DBConf, extend, loadConfig, RedisConf, RpcServerConf, type Static } from '@looklook/conf'

export const {{Name}}RpcConf = extend(RpcServerConf, {
  DB: DBConf,
  Cache: RedisConf,
})
export type {{Name}}RpcConf = Static<typeof {{Name}}RpcConf>

export function load{{Name}}RpcConf(file: string | URL = new URL('../etc/{{name}}-rpc.yaml', import.meta.url)): {{Name}}RpcConf {
  return loadConfig({{Name}}RpcConf, file)
}
