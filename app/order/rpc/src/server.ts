import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type OrderService, orderProto, orderServiceName } from '../gen/order.ts'
import { createHomestayOrder } from './handlers/create-homestay-order.ts'
import { homestayOrderDetail } from './handlers/homestay-order-detail.ts'
import { sagaCancelHomestayOrder } from './handlers/saga-cancel-homestay-order.ts'
import { sagaCreateHomestayOrder } from './handlers/saga-create-homestay-order.ts'
import { updateHomestayOrderTradeState } from './handlers/update-homestay-order-trade-state.ts'
import { userHomestayOrderList } from './handlers/user-homestay-order-list.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds order-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<OrderService>(orderProto, orderServiceName, {
    createHomestayOrder: (req, ctx) => createHomestayOrder(svc, req, ctx),
    sagaCreateHomestayOrder: (req, ctx) => sagaCreateHomestayOrder(svc, req, ctx),
    sagaCancelHomestayOrder: (req, ctx) => sagaCancelHomestayOrder(svc, req, ctx),
    homestayOrderDetail: (req) => homestayOrderDetail(svc, req),
    updateHomestayOrderTradeState: (req) => updateHomestayOrderTradeState(svc, req),
    userHomestayOrderList: (req) => userHomestayOrderList(svc, req),
  })
  return server
}
