import type { SendWxMiniSubMessageReq } from '@looklook/mqueue-rpc/gen'
import type { UpdateHomestayOrderTradeStateResp } from '@looklook/order-rpc/gen'
import { UserAuthType } from '@looklook/usercenter-rpc/contract'
import type { ServiceContext } from '../svc-context.ts'
import { fenToYuan, formatDate, thing } from './format.ts'

/** How long a "sent" marker is kept: far longer than any redelivery of the payment event. */
const MARKER_TTL_SECONDS = 30 * 24 * 3600

type PaidOrder = UpdateHomestayOrderTradeStateResp

/** The two messages of a paid order: pay success (sn, title, amount, dates) and check-in (dates, trade code). */
export function paidMessages(
  svc: Pick<ServiceContext, 'config'>,
  order: PaidOrder,
  openid: string,
): { key: string; req: SendWxMiniSubMessageReq }[] {
  const { PaySuccess, CheckIn } = svc.config.WxMiniTemplates
  const zone = svc.config.TimeZone
  const start = formatDate(order.liveStartDate, zone)
  const end = formatDate(order.liveEndDate, zone)
  const page = (p: string) => (p === '' ? '' : `${p}?sn=${order.sn}`)
  return [
    {
      key: 'pay-success',
      req: {
        Openid: openid,
        TemplateID: PaySuccess.TemplateID,
        Page: page(PaySuccess.Page),
        Data: {
          character_string6: order.sn,
          thing1: thing(order.title),
          amount2: fenToYuan(order.orderTotalPrice),
          time4: start,
          time5: end,
        },
      },
    },
    {
      key: 'check-in',
      req: {
        Openid: openid,
        TemplateID: CheckIn.TemplateID,
        Page: page(CheckIn.Page),
        Data: { date2: start, date3: end, character_string4: order.tradeCode, thing1: thing(CheckIn.Remark) },
      },
    },
  ]
}

/**
 * Tells the guest their order is paid, once. Each message is claimed with a Redis marker before
 * it is queued and the claim is released if queueing fails, so a redelivered payment event (or a
 * retry after a partial failure) sends only what was not sent yet. A guest without a mini-program
 * login has no openid: nothing is sent.
 */
export async function notifyPaid(svc: ServiceContext, order: PaidOrder): Promise<void> {
  const log = svc.logger.child({ sn: order.sn, userId: order.userId })
  const { userAuth } = await svc.usercenterRpc.getUserAuthByUserId({ userId: order.userId, authType: UserAuthType.wxMini })
  const openid = userAuth?.authKey
  if (!openid) {
    log.info('guest has no mini-program login, not notified')
    return
  }
  for (const { key, req } of paidMessages(svc, order, openid)) {
    const marker = `order-mq:notified:${order.sn}:${key}`
    const claimed = await svc.redis.set(marker, '1', 'EX', MARKER_TTL_SECONDS, 'NX')
    if (claimed !== 'OK') {
      log.info({ message: key }, 'already notified')
      continue
    }
    try {
      await svc.mqueueRpc.sendWxMiniSubMessage(req)
    } catch (err) {
      await svc.redis.del(marker)
      throw err
    }
  }
}
