import { ctxOf, type RestApp } from '@looklook/rest'
import { createItem, itemDetail } from '../logic/item.ts'
import { CreateItemReq, CreateItemResp, ItemDetailReq, ItemDetailResp } from '../schemas/item.ts'
import type { ServiceContext } from '../svc-context.ts'

/** `/{{name}}/v1/item/*`: detail is public (identity-api's NoAuthUrls), create needs a token. */
export function itemRoutes(app: RestApp, svc: ServiceContext): void {
  app.post('/{{name}}/v1/item/detail', { schema: { body: ItemDetailReq, response: { 200: ItemDetailResp } } }, (request) =>
    itemDetail(svc, request.body),
  )
  app.post('/{{name}}/v1/item/create', { schema: { body: CreateItemReq, response: { 200: CreateItemResp } } }, (request) =>
    createItem(svc, ctxOf(request), request.body),
  )
}
