import { CodeError } from '@looklook/xerr'
import type { GetItemReq, GetItemResp } from '../../gen/{{name}}.ts'
import { {{Name}}Refusals } from '../contract.ts'
import type { ServiceContext } from '../svc-context.ts'

/** One item by id, read through the model's row cache. */
export async function getItem(svc: ServiceContext, req: GetItemReq): Promise<GetItemResp> {
  if (!Number.isSafeInteger(req.id) || req.id < 1) throw CodeError.param('item id must be a positive integer')
  const item = await svc.itemModel.findOne(req.id)
  if (!item) throw {{Name}}Refusals.ITEM_NOT_FOUND()
  return { item: { id: item.id, userId: item.userId, title: item.title } }
}
