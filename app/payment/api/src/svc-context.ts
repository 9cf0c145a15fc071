import type { Logger } from '@looklook/logx'
import { createOrderClient, type OrderClient } from '@looklook/order-rpc/client'
import { createPaymentClient, type PaymentClient } from '@looklook/payment-rpc/client'
import { createUsercenterClient, type UsercenterClient } from '@looklook/usercenter-rpc/client'
import { readWechatPayKeyFiles, WechatPayClient } from '@looklook/wechat'
import { keyPath, type PaymentApiConf } from './config.ts'

export interface ServiceContext {
  config: PaymentApiConf
  paymentRpc: PaymentClient
  orderRpc: OrderClient
  usercenterRpc: UsercenterClient
  wxPay: WechatPayClient
  close(): Promise<void>
}

/** Reads the merchant key, the APIv3 key and WeChat's public keys at boot: a missing file stops the process with its path. */
export function createWechatPayClient(c: PaymentApiConf['WxPayConf']): WechatPayClient {
  const keys = readWechatPayKeyFiles({
    privateKeyPath: keyPath(c.PrivateKeyPath),
    serialNoPath: keyPath(c.SerialNoPath),
    apiV3KeyPath: keyPath(c.ApiV3KeyPath),
    platformCertificatePaths: c.PlatformCertificatePaths.map(keyPath),
    ...(c.PublicKeyPath ? { publicKeyPath: keyPath(c.PublicKeyPath) } : {}),
    ...(c.PublicKeyIdPath ? { publicKeyIdPath: keyPath(c.PublicKeyIdPath) } : {}),
  })
  if (!keys.platform.publicKey && !keys.platform.certificates?.length) {
    throw new Error('WxPayConf: give PublicKeyPath + PublicKeyIdPath or PlatformCertificatePaths, or no WeChat signature can be verified')
  }
  return new WechatPayClient({ baseUrl: c.BaseUrl, mchId: c.MchId, appId: c.AppId, timeoutMs: c.TimeoutMs, ...keys })
}

export function createServiceContext(config: PaymentApiConf, logger: Logger): ServiceContext {
  const wxPay = createWechatPayClient(config.WxPayConf)
  const paymentRpc = createPaymentClient(config.PaymentRpc, logger)
  const orderRpc = createOrderClient(config.OrderRpc, logger)
  const usercenterRpc = createUsercenterClient(config.UsercenterRpc, logger)
  return {
    config,
    paymentRpc,
    orderRpc,
    usercenterRpc,
    wxPay,
    async close() {
      paymentRpc.close()
      orderRpc.close()
      usercenterRpc.close()
    },
  }
}
