import { type Static, Type } from '@sinclair/typebox'
import { Id, LastId, PageSize } from './common.ts'

/** A comment on a homestay as the api shows it. */
export const HomestayComment = Type.Object({
  id: Type.Integer(),
  homestayId: Type.Integer(),
  content: Type.String(),
  star: Type.Number({ description: 'overall rating' }),
  userId: Type.Integer(),
})
export type HomestayComment = Static<typeof HomestayComment>

/** A comment with its author's public profile. */
export const CommentView = Type.Composite([
  HomestayComment,
  Type.Object({
    nickname: Type.String({ description: "the commenter's nickname; empty when the profile is unavailable" }),
    avatar: Type.String(),
  }),
])
export type CommentView = Static<typeof CommentView>

export const CommentListReq = Type.Object({ homestayId: Id, lastId: LastId, pageSize: PageSize })
export const CommentListResp = Type.Object({ list: Type.Array(CommentView) })
