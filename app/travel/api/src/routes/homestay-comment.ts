import { ctxOf, type RestApp } from '@looklook/rest'
import { Type } from '@sinclair/typebox'
import { commentList } from '../logic/homestay-comment.ts'
import type { ServiceContext } from '../svc-context.ts'
import { CommentView, Id, LastId, PageSize } from '../types.ts'

/** `/travel/v1/homestayComment/*`: a homestay's comments with their authors (public). */
export function homestayCommentRoutes(app: RestApp, svc: ServiceContext): void {
  app.post(
    '/travel/v1/homestayComment/commentList',
    {
      schema: {
        body: Type.Object({ homestayId: Id, lastId: LastId, pageSize: PageSize }),
        response: { 200: Type.Object({ list: Type.Array(CommentView) }) },
      },
    },
    (request) => commentList(svc, ctxOf(request), request.body),
  )
}
