import { ctxOf, type RestApp } from '@looklook/rest'
import { goodBoss, homestayBusinessDetail, homestayBusinessList } from '../logic/homestay-business.ts'
import {
  GoodBossReq,
  GoodBossResp,
  HomestayBusinessDetailReq,
  HomestayBusinessDetailResp,
  HomestayBusinessListReq,
  HomestayBusinessListResp,
} from '../schemas/homestay-business.ts'
import type { ServiceContext } from '../svc-context.ts'

/**
 * `/travel/v1/homestayBussiness/*`: the paths keep the Go original's spelling ("Bussiness") so its
 * mini-program and other clients work unchanged; everything internal is spelled correctly.
 */
export function homestayBusinessRoutes(app: RestApp, svc: ServiceContext): void {
  app.post('/travel/v1/homestayBussiness/goodBoss', { schema: { body: GoodBossReq, response: { 200: GoodBossResp } } }, (request) =>
    goodBoss(svc, ctxOf(request)),
  )
  app.post(
    '/travel/v1/homestayBussiness/homestayBussinessList',
    { schema: { body: HomestayBusinessListReq, response: { 200: HomestayBusinessListResp } } },
    (request) => homestayBusinessList(svc, request.body),
  )
  app.post(
    '/travel/v1/homestayBussiness/homestayBussinessDetail',
    { schema: { body: HomestayBusinessDetailReq, response: { 200: HomestayBusinessDetailResp } } },
    (request) => homestayBusinessDetail(svc, ctxOf(request), request.body),
  )
}
