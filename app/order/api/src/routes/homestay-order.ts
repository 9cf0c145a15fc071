import { ctxOf, type RestApp } from '@looklook/rest'
import { createHomestayOrder, userHomestayOrderDetail, userHomestayOrderList } from '../logic/homestay-order.ts'
import {
  CreateHomestayOrderReq,
  CreateHomestayOrderResp,
  UserHomestayOrderDetailReq,
  UserHomestayOrderDetailResp,
  UserHomestayOrderListReq,
  UserHomestayOrderListResp,
} from '../schemas/homestay-order.ts'
import type { ServiceContext } from '../svc-context.ts'

/** `/order/v1/homestayOrder/*`: every route needs a token (the gateway checks) and acts for the caller only. */
export function homestayOrderRoutes(app: RestApp, svc: ServiceContext): void {
  app.post(
    '/order/v1/homestayOrder/createHomestayOrder',
    { schema: { body: CreateHomestayOrderReq, response: { 200: CreateHomestayOrderResp } } },
    (request) => createHomestayOrder(svc, ctxOf(request), request.body),
  )
  app.post(
    '/order/v1/homestayOrder/userHomestayOrderList',
    { schema: { body: UserHomestayOrderListReq, response: { 200: UserHomestayOrderListResp } } },
    (request) => userHomestayOrderList(svc, ctxOf(request), request.body),
  )
  app.post(
    '/order/v1/homestayOrder/userHomestayOrderDetail',
    { schema: { body: UserHomestayOrderDetailReq, response: { 200: UserHomestayOrderDetailResp } } },
    (request) => userHomestayOrderDetail(svc, ctxOf(request), request.body.sn),
  )
}
