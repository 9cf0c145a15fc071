import { ctxOf, type RestApp } from '@looklook/rest'
import { Type } from '@sinclair/typebox'
import { detail, login, logout, register } from '../logic/user.ts'
import { wxMiniAuth } from '../logic/wx-mini-auth.ts'
import type { ServiceContext } from '../svc-context.ts'
import { Mobile, Password, TokenResp, UserInfo } from '../types.ts'

const Credentials = Type.Object({ mobile: Mobile, password: Password })
const Empty = Type.Object({})
const WxMiniAuthReq = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 128 }),
  iv: Type.String({ minLength: 1, maxLength: 64 }),
  encryptedData: Type.String({ minLength: 1, maxLength: 16384 }),
})

/** `/usercenter/v1/user/*`: register, login and wxMiniAuth are public; detail and logout need a token (the gateway checks). */
export function userRoutes(app: RestApp, svc: ServiceContext): void {
  const tokenRoute = { body: Credentials, response: { 200: TokenResp } }
  app.post('/usercenter/v1/user/register', { schema: tokenRoute }, (request) => register(svc, request.body))
  app.post('/usercenter/v1/user/login', { schema: tokenRoute }, (request) => login(svc, request.body))
  app.post('/usercenter/v1/user/wxMiniAuth', { schema: { body: WxMiniAuthReq, response: { 200: TokenResp } } }, (request) =>
    wxMiniAuth(svc, ctxOf(request), request.body),
  )
  app.post('/usercenter/v1/user/detail', { schema: { body: Empty, response: { 200: Type.Object({ userInfo: UserInfo }) } } }, (request) =>
    detail(svc, ctxOf(request)),
  )
  app.post('/usercenter/v1/user/logout', { schema: { body: Empty, response: { 200: Empty } } }, (request) => logout(svc, ctxOf(request)))
}
