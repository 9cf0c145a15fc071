import { CodeError } from '@looklook/xerr'
import type { CreateItemReq, CreateItemResp } from '../../gen/{{name}}.ts'
import type { ServiceContext } from '../svc-context.ts'

/** Stores one item of a user and answers its id. */
export async function createItem(svc: ServiceContext, req: CreateItemReq): Promise<CreateItemResp> {
  if (!Number.isSafeInteger(req.userId) || req.userId < 1) throw CodeError.param('user id must be a positive integer')
  if (req.title === '' || req.title.length > 64) throw CodeError.param('title must be 1 to 64 characters')
  const id = await svc.itemModel.insert({ userId: req.userId, title: req.title })
  return { id }
}
