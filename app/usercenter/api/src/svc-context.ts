import type { Logger } from '@looklook/logx'
import { createUsercenterClient, type UsercenterClient } from '@looklook/usercenter-rpc/client'
import type { MiniProgramConf } from '@looklook/wechat'
import type { UsercenterApiConf } from './config.ts'

export interface ServiceContext {
  config: UsercenterApiConf
  usercenterRpc: UsercenterClient
  wxMini: MiniProgramConf
  close(): Promise<void>
}

export function createServiceContext(config: UsercenterApiConf, logger: Logger): ServiceContext {
  const usercenterRpc = createUsercenterClient(config.UsercenterRpc, logger)
  return {
    config,
    usercenterRpc,
    wxMini: { baseUrl: config.WxMiniConf.BaseUrl, appId: config.WxMiniConf.AppId, secret: config.WxMiniConf.Secret },
    async close() {
      usercenterRpc.close()
    },
  }
}
