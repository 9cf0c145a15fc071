import { PoisonMessageError, type SendWxMiniSubMessage } from '@looklook/kq'
import { ACCESS_TOKEN_ERROR_CODES, type SubscribeDataItem, sendSubscribeMessage, WechatApiError } from '@looklook/wechat'
import type { ServiceContext } from '../svc-context.ts'

/** WeChat errcodes worth another try: system busy, rate limits, and a token that went stale again. */
const TRANSIENT_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011, ...ACCESS_TOKEN_ERROR_CODES])

// Only a real colour counts as the suffix, so a value such as "Room #12" stays whole.
const VALUE_COLOR = /^(.*)(#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3}))$/s

/** `{KEY: "value#color"}` (the Go original's convention) → `{KEY: {value, color}}`. */
export function toTemplateData(data: Record<string, string>): Record<string, SubscribeDataItem & { color?: string }> {
  const out: Record<string, SubscribeDataItem & { color?: string }> = {}
  for (const [key, raw] of Object.entries(data)) {
    const m = VALUE_COLOR.exec(raw)
    out[key] = m ? { value: m[1] ?? '', color: m[2] } : { value: raw }
  }
  return out
}

/**
 * Sends one subscribe message. WeChat's business refusals (43101 the user did not subscribe,
 * 47003 bad data, 40003 unknown openid, 40037 unknown template …) can never succeed: they are
 * poison, logged and skipped. Network failures and "busy" answers are thrown, and the consumer
 * retries them with backoff; a stale token is refreshed and retried once inside the client.
 */
export async function sendWxMiniTplMessage(svc: ServiceContext, msg: SendWxMiniSubMessage): Promise<void> {
  try {
    await sendSubscribeMessage(svc.mini, svc.accessTokens, {
      touser: msg.openid,
      template_id: msg.templateID,
      page: msg.page,
      data: toTemplateData(msg.data),
      miniprogram_state: svc.config.MiniprogramState,
      lang: svc.config.Lang,
    })
  } catch (err) {
    if (err instanceof WechatApiError && !TRANSIENT_ERRCODES.has(err.errcode)) {
      throw new PoisonMessageError(`wechat refused the subscribe message (errcode ${err.errcode})`, { cause: err })
    }
    throw err
  }
  svc.logger.info({ openid: msg.openid, templateID: msg.templateID }, 'subscribe message sent')
}
