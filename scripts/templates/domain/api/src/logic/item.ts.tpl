import type { RequestCtx } from '@looklook/rest'
import { {{Name}}Refusals } from '@looklook/{{name}}-rpc/contract'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { CreateItemReq, CreateItemResp, ItemDetailReq, ItemDetailResp } from '../schemas/item.ts'
import type { ServiceContext } from '../svc-context.ts'

/** One item, for anyone (a public route). */
export async function itemDetail(svc: ServiceContext, req: ItemDetailReq): Promise<ItemDetailResp> {
  const { item } = await svc.{{name}}Rpc.getItem({ id: req.id })
  if (!item) throw {{Name}}Refusals.ITEM_NOT_FOUND()
  return { item }
}

/** Stores an item of the caller and answers its id and the caller's user id. */
export async function createItem(svc: ServiceContext, ctx: RequestCtx, req: CreateItemReq): Promise<CreateItemResp> {
  // The gateway lets no request without a valid token through; a direct caller gets the same answer.
  if (ctx.userId < 1) throw new CodeError(ErrCode.TOKEN_EXPIRE_ERROR)
  const { id } = await svc.{{name}}Rpc.createItem({ userId: ctx.userId, title: req.title })
  return { id, userId: ctx.userId }
}
