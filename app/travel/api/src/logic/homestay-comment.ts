import { mapReduce } from '@looklook/core'
import { schemaFields, toMessage } from '@looklook/model'
import type { RequestCtx } from '@looklook/rest'
import { overallStar } from '@looklook/travel-model'
import type { User } from '@looklook/usercenter-rpc/gen'
import { CommentView } from '../schemas/homestay-comment.ts'
import type { ServiceContext } from '../svc-context.ts'
import { profileOrUndefined } from './users.ts'

const commentFields = schemaFields(CommentView)

/**
 * Comments on a homestay, newest first, keyset paged, each with its author's nickname and avatar.
 * Authors are looked up once each, concurrently; a comment whose author profile is unavailable is
 * still shown, without name and avatar.
 */
export async function commentList(
  svc: ServiceContext,
  ctx: RequestCtx,
  req: { homestayId: number; lastId: number; pageSize: number },
): Promise<{ list: CommentView[] }> {
  const rows = await svc.homestayCommentModel.findPageByHomestay(req.homestayId, req.lastId, req.pageSize)
  const authorIds = [...new Set(rows.map((c) => c.userId))]
  const authors = await mapReduce(
    authorIds,
    async (id) => profileOrUndefined(svc, ctx, id),
    (users: User[]) => new Map(users.map((u) => [u.id, u])),
  )
  return {
    list: rows.map((c) =>
      toMessage(commentFields, c, {
        star: overallStar(c.star),
        nickname: authors.get(c.userId)?.nickname ?? '',
        avatar: authors.get(c.userId)?.avatar ?? '',
      }),
    ),
  }
}
