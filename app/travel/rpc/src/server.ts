import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type TravelService, travelProto, travelServiceName } from '../gen/travel.ts'
import { businessHomestayList } from './handlers/business-homestay-list.ts'
import { commentList } from './handlers/comment-list.ts'
import { goodBossList } from './handlers/good-boss-list.ts'
import { homestayAvailability } from './handlers/homestay-availability.ts'
import { homestayBusinessDetail } from './handlers/homestay-business-detail.ts'
import { homestayBusinessList } from './handlers/homestay-business-list.ts'
import { homestayDetail } from './handlers/homestay-detail.ts'
import { newestHomestayList } from './handlers/newest-homestay-list.ts'
import { preferredHomestayList } from './handlers/preferred-homestay-list.ts'
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
    preferredHomestayList: (req, ctx) => preferredHomestayList(svc, req, ctx),
    businessHomestayList: (req) => businessHomestayList(svc, req),
    newestHomestayList: (req) => newestHomestayList(svc, req),
    goodBossList: (req) => goodBossList(svc, req),
    homestayBusinessList: (req) => homestayBusinessList(svc, req),
    homestayBusinessDetail: (req) => homestayBusinessDetail(svc, req),
    commentList: (req) => commentList(svc, req),
  })
  return server
}
