import type { RestApp } from '@looklook/rest'
import { Type } from '@sinclair/typebox'
import { businessList, guessList, homestayAvailability, homestayDetail, homestayList } from '../logic/homestay.ts'
import {
  BusinessListReq,
  HomestayAvailabilityReq,
  HomestayAvailabilityResp,
  HomestayDetailReq,
  HomestayDetailResp,
  HomestayListReq,
  HomestayListResp,
} from '../schemas/homestay.ts'
import type { ServiceContext } from '../svc-context.ts'

const listResponse = { 200: HomestayListResp }

/** `/travel/v1/homestay/*`: public catalogue routes (the gateway lets them through without a token). */
export function homestayRoutes(app: RestApp, svc: ServiceContext): void {
  app.post('/travel/v1/homestay/homestayList', { schema: { body: HomestayListReq, response: listResponse } }, (request) =>
    homestayList(svc, request.body),
  )
  app.post('/travel/v1/homestay/businessList', { schema: { body: BusinessListReq, response: listResponse } }, (request) =>
    businessList(svc, request.body),
  )
  app.post('/travel/v1/homestay/guessList', { schema: { body: Type.Object({}), response: listResponse } }, () => guessList(svc))
  app.post(
    '/travel/v1/homestay/homestayDetail',
    { schema: { body: HomestayDetailReq, response: { 200: HomestayDetailResp } } },
    (request) => homestayDetail(svc, request.body),
  )
  app.post(
    '/travel/v1/homestay/homestayAvailability',
    { schema: { body: HomestayAvailabilityReq, response: { 200: HomestayAvailabilityResp } } },
    (request) => homestayAvailability(svc, request.body),
  )
}
