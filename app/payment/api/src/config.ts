import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { extend, loadConfig, RestConf, RpcClientConf, type Static, Type } from '@looklook/conf'

const Path = Type.String({ minLength: 1 })

export const WxPayConf = Type.Object({
  AppId: Type.String({ minLength: 1 }),
  MchId: Type.String({ minLength: 1 }),
  BaseUrl: Type.String({ pattern: '^https?://' }),
  NotifyUrl: Type.String({ pattern: '^https?://[^?]+$', maxLength: 255 }),
  PrivateKeyPath: Path,
  SerialNoPath: Path,
  ApiV3KeyPath: Path,
  PublicKeyPath: Type.Optional(Path),
  PublicKeyIdPath: Type.Optional(Path),
  PlatformCertificatePaths: Type.Array(Path, { default: [] }),
  TimeoutMs: Type.Integer({ minimum: 100, default: 2000 }),
})
export type WxPayConf = Static<typeof WxPayConf>

export const PaymentApiConf = extend(RestConf, {
  PaymentRpc: RpcClientConf,
  OrderRpc: RpcClientConf,
  UsercenterRpc: RpcClientConf,
  /** Seconds an order waits for payment (order-rpc's close delay); 0 sends no time_expire. */
  OrderPayTimeoutSeconds: Type.Integer({ minimum: 0, default: 1200 }),
  WxPayConf,
})
export type PaymentApiConf = Static<typeof PaymentApiConf>

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))

/** Key paths in the config are relative to app/payment/api, wherever the process was started from. */
export function keyPath(path: string): string {
  return isAbsolute(path) ? path : resolve(PACKAGE_DIR, path)
}

export function loadPaymentApiConf(file: string | URL = new URL('../etc/payment-api.yaml', import.meta.url)): PaymentApiConf {
  return loadConfig(PaymentApiConf, file)
}
