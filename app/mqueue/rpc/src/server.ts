import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type MqueueService, mqueueProto, mqueueServiceName } from '../gen/mqueue.ts'
import { aqDeferHomestayOrderClose } from './handlers/aq-defer-homestay-order-close.ts'
import { kqPaymenStatusUpdate } from './handlers/kq-payment-status-update.ts'
import { sendWxMiniSubMessage } from './handlers/send-wx-mini-sub-message.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds mqueue-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<MqueueService>(mqueueProto, mqueueServiceName, {
    aqDeferHomestayOrderClose: (req) => aqDeferHomestayOrderClose(svc, req),
    kqPaymenStatusUpdate: (req) => kqPaymenStatusUpdate(svc, req),
    sendWxMiniSubMessage: (req) => sendWxMiniSubMessage(svc, req),
  })
  return server
}
