import { mapReduce } from '@looklook/core'
import { schemaFields, toMessage } from '@looklook/model/mapping'
import type { RequestCtx } from '@looklook/rest'
import type { User } from '@looklook/usercenter-rpc/gen'
import { CommentView } from '../schemas/homestay-comment.ts'
import type { ServiceContext } from '../svc-context.ts'
import { profileOrUndefined } from './users.ts'

const commentFields = schemaFields(CommentView)

/**
 * Comments on a homestay (from travel-rpc, with their overall star), newest first, keyset paged, each
 * with its author's nickname and avatar. Authors are looked up once each, concurrently; a comment whose
 * author profile is unavailable is still shown, without name and avatar.
 */
export async function commentList(
  svc: ServiceContext,
  ctx: RequestCtx,
  req: { homestayId: number; lastId: number; pageSize: number },
): Promise<{ list: CommentView[] }> {
  const { list: comments } = await svc.travelRpc.commentList(req)
  const authorIds = [...new Set(comments.map((c) => c.userId))]
  const authors = await mapReduce(
    authorIds,
    async (id) => profileOrUndefined(svc, ctx, id),
    (users: User[]) => new Map(users.map((u) => [u.id, u])),
  )
  return {
    list: comments.map((c) =>
      toMessage(commentFields, c, {
        nickname: authors.get(c.userId)?.nickname ?? '',
        avatar: authors.get(c.userId)?.avatar ?? '',
      }),
    ),
  }
}
