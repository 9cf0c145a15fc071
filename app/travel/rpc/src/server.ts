import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type TravelService, travelProto, travelServiceName } from '../gen/travel.ts'
import { homestayDetail } from './handlers/homestay-detail.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds travel-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<TravelService>(travelProto, travelServiceName, {
    homestayDetail: (req) => homestayDetail(svc, req),
  })
  return server
}
