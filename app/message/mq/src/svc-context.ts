import type { Logger } from '@looklook/logx'
import { AccessTokenCache, type MiniProgramConf } from '@looklook/wechat'
import type { MessageMqConf } from './config.ts'

export interface ServiceContext {
  config: MessageMqConf
  logger: Logger
  mini: MiniProgramConf
  /** One access token for the process, refreshed before it expires and when WeChat rejects it. */
  accessTokens: AccessTokenCache
}

export function createServiceContext(config: MessageMqConf, logger: Logger): ServiceContext {
  const w = config.WxMiniConf
  const mini: MiniProgramConf = { baseUrl: w.BaseUrl, appId: w.AppId, secret: w.Secret, timeoutMs: w.TimeoutMs }
  return { config, logger, mini, accessTokens: new AccessTokenCache({ ...mini, stable: w.StableToken }) }
}
