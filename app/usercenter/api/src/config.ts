import { extend, loadConfig, RestConf, RpcClientConf, type Static, Type } from '@looklook/conf'

export const UsercenterApiConf = extend(RestConf, {
  UsercenterRpc: RpcClientConf,
  WxMiniConf: Type.Object({
    AppId: Type.String({ minLength: 1 }),
    Secret: Type.String({ minLength: 1 }),
    BaseUrl: Type.String({ pattern: '^https?://' }),
  }),
})
export type UsercenterApiConf = Static<typeof UsercenterApiConf>

export function loadUsercenterApiConf(file: string | URL = new URL('../etc/usercenter-api.yaml', import.meta.url)): UsercenterApiConf {
  return loadConfig(UsercenterApiConf, file)
}
