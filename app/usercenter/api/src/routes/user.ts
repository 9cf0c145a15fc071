import { ctxOf, type RestApp } from '@looklook/rest'
import { detail, login, logout, register } from '../logic/user.ts'
import { wxMiniAuth } from '../logic/wx-mini-auth.ts'
import { Credentials, Empty, TokenResp, UserDetailResp, WxMiniAuthReq } from '../schemas/user.ts'
import type { ServiceContext } from '../svc-context.ts'

/** `/usercenter/v1/user/*`: register, login and wxMiniAuth are public; detail and logout need a token (the gateway checks). */
export function userRoutes(app: RestApp, svc: ServiceContext): void {
  const tokenRoute = { body: Credentials, response: { 200: TokenResp } }
  app.post('/usercenter/v1/user/register', { schema: tokenRoute }, (request) => register(svc, request.body))
  app.post('/usercenter/v1/user/login', { schema: tokenRoute }, (request) => login(svc, request.body))
  app.post('/usercenter/v1/user/wxMiniAuth', { schema: { body: WxMiniAuthReq, response: { 200: TokenResp } } }, (request) =>
    wxMiniAuth(svc, ctxOf(request), request.body),
  )
  app.post('/usercenter/v1/user/detail', { schema: { body: Empty, response: { 200: UserDetailResp } } }, (request) =>
    detail(svc, ctxOf(request)),
  )
  app.post('/usercenter/v1/user/logout', { schema: { body: Empty, response: { 200: Empty } } }, (request) => logout(svc, ctxOf(request)))
}
