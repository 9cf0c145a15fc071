import { ctxOf, type RestApp } from '@looklook/rest'
import { Type } from '@sinclair/typebox'
import { goodBoss, homestayBusinessDetail, homestayBusinessList } from '../logic/homestay-business.ts'
import type { ServiceContext } from '../svc-context.ts'
import { BossView, BusinessListItem, Id, LastId, PageSize } from '../types.ts'

/**
 * `/travel/v1/homestayBussiness/*`: the paths keep the Go original's spelling ("Bussiness") so its
 * mini-program and other clients work unchanged; everything internal is spelled correctly.
 */
export function homestayBusinessRoutes(app: RestApp, svc: ServiceContext): void {
  app.post(
    '/travel/v1/homestayBussiness/goodBoss',
    { schema: { body: Type.Object({}), response: { 200: Type.Object({ list: Type.Array(BossView) }) } } },
    (request) => goodBoss(svc, ctxOf(request)),
  )
  app.post(
    '/travel/v1/homestayBussiness/homestayBussinessList',
    {
      schema: {
        body: Type.Object({ lastId: LastId, pageSize: PageSize }),
        response: { 200: Type.Object({ list: Type.Array(BusinessListItem) }) },
      },
    },
    (request) => homestayBusinessList(svc, request.body),
  )
  app.post(
    '/travel/v1/homestayBussiness/homestayBussinessDetail',
    { schema: { body: Type.Object({ id: Id }), response: { 200: Type.Object({ boss: BossView }) } } },
    (request) => homestayBusinessDetail(svc, ctxOf(request), request.body),
  )
}
