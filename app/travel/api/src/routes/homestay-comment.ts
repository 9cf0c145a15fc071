import { ctxOf, type RestApp } from '@looklook/rest'
import { commentList } from '../logic/homestay-comment.ts'
import { CommentListReq, CommentListResp } from '../schemas/homestay-comment.ts'
import type { ServiceContext } from '../svc-context.ts'

/** `/travel/v1/homestayComment/*`: a homestay's comments with their authors (public). */
export function homestayCommentRoutes(app: RestApp, svc: ServiceContext): void {
  app.post('/travel/v1/homestayComment/commentList', { schema: { body: CommentListReq, response: { 200: CommentListResp } } }, (request) =>
    commentList(svc, ctxOf(request), request.body),
  )
}
