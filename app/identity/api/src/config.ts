import { extend, loadConfig, RedisConf, RestConf, type Static, Type } from '@looklook/conf'

export const IdentityApiConf = extend(RestConf, {
  JwtAuth: Type.Object({ AccessSecret: Type.String({ minLength: 16 }) }),
  /** identity-rpc's token store (`user_token:{id}`), read directly on every gateway request. */
  Redis: RedisConf,
  NoAuthUrls: Type.Array(Type.String({ pattern: '^/' }), { default: [] }),
})
export type IdentityApiConf = Static<typeof IdentityApiConf>

export function loadIdentityApiConf(file: string | URL = new URL('../etc/identity-api.yaml', import.meta.url)): IdentityApiConf {
  return loadConfig(IdentityApiConf, file)
}
