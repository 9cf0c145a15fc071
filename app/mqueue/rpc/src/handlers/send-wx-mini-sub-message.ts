import type { SendWxMiniSubMessage } from '@looklook/kq'
import { CodeError } from '@looklook/xerr'
import type { SendWxMiniSubMessageReq, SendWxMiniSubMessageResp } from '../../gen/mqueue.ts'
import type { ServiceContext } from '../svc-context.ts'

/** Queues a mini-program subscribe message for message-mq (keyed by openid: one user's messages stay in order). */
export async function sendWxMiniSubMessage(svc: ServiceContext, req: SendWxMiniSubMessageReq): Promise<SendWxMiniSubMessageResp> {
  if (!req.Openid) throw CodeError.param('Openid is required')
  if (!req.TemplateID) throw CodeError.param('TemplateID is required')
  const data = req.Data ?? {}
  if (Object.keys(data).length === 0) throw CodeError.param('Data is required')
  const message: SendWxMiniSubMessage = { openid: req.Openid, templateID: req.TemplateID, page: req.Page ?? '', data }
  await svc.pusher.push(svc.config.Kafka.SendWxMiniTplMessageTopic, message, { key: req.Openid })
  return {}
}
