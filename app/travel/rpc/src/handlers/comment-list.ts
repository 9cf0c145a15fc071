import type { CommentListReq, CommentListResp } from '../../gen/travel.ts'
import { positiveId } from '../logic/nights.ts'
import { toPbComment } from '../logic/to-pb.ts'
import type { ServiceContext } from '../svc-context.ts'

/** Comments on a homestay, newest first, keyset paged, each with its overall star. */
export async function commentList(svc: ServiceContext, req: CommentListReq): Promise<CommentListResp> {
  positiveId(req.homestayId, 'homestayId')
  const rows = await svc.homestayCommentModel.findPageByHomestay(req.homestayId, req.lastId, req.pageSize)
  return { list: rows.map(toPbComment) }
}
