/** {{path}}, for the caller only. */
export async function {{route}}(_svc: ServiceContext, ctx: RequestCtx, _req: {{Route}}Req): Promise<{{Route}}Resp> {
  // The gateway lets no request without a valid token through; a direct caller gets the same answer.
  if (ctx.userId < 1) throw new CodeError(ErrCode.TOKEN_EXPIRE_ERROR)
  return {}
}
