import { extend, loadConfig, RestConf, RpcClientConf, type Static } from '@looklook/conf'

export const {{Name}}ApiConf = extend(RestConf, {
  {{Name}}Rpc: RpcClientConf,
})
export type {{Name}}ApiConf = Static<typeof {{Name}}ApiConf>

export function load{{Name}}ApiConf(file: string | URL = new URL('../etc/{{name}}-api.yaml', import.meta.url)): {{Name}}ApiConf {
  return loadConfig({{Name}}ApiConf, file)
}
