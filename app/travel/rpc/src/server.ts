import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type TravelService, travelProto, travelServiceName } from '../gen/travel.ts'
import { homestayAvailability } from './handlers/homestay-availability.ts'
import { homestayDetail } from './handlers/homestay-detail.ts'
import { releaseNights } from './handlers/release-nights.ts'
import { reserveNights } from './handlers/reserve-nights.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds travel-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<TravelService>(travelProto, travelServiceName, {
    homestayDetail: (req) => homestayDetail(svc, req),
    reserveNights: (req, ctx) => reserveNights(svc, req, ctx),
    releaseNights: (req, ctx) => releaseNights(svc, req, ctx),
    homestayAvailability: (req) => homestayAvailability(svc, req),
  })
  return server
}
