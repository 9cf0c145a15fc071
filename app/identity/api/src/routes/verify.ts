import type { RestApp } from '@looklook/rest'
import { ErrCode, fail, messageOf, ok } from '@looklook/xerr'
import { Type } from '@sinclair/typebox'
import { verifyToken } from '../logic/verify-token.ts'
import type { ServiceContext } from '../svc-context.ts'

const Headers = Type.Object({
  authorization: Type.Optional(Type.String()),
  'x-original-uri': Type.Optional(Type.String()),
})

/**
 * nginx's auth_request target. 200 with `x-user: <id or 0>` lets the request through; 401 stops it
 * (nginx turns that into the JSON 401 envelope). Any other failure (identity-rpc down) is a 5xx,
 * which nginx answers as 500 rather than pretending the token is bad.
 */
export function verifyTokenRoute(app: RestApp, svc: ServiceContext): void {
  app.get('/identity/v1/verify/token', { schema: { headers: Headers }, config: { raw: true } }, async (request, reply) => {
    const result = await verifyToken(svc, request.headers.authorization, request.headers['x-original-uri'] ?? '/')
    if (!result.ok) {
      return reply
        .code(401)
        .header('x-user', '0')
        .send(fail(ErrCode.TOKEN_EXPIRE_ERROR, messageOf(ErrCode.TOKEN_EXPIRE_ERROR)))
    }
    return reply.header('x-user', String(result.userId)).send(ok({ userId: result.userId, ok: true }))
  })
}
