/** {{path}} (public). */
export async function {{route}}(_svc: ServiceContext, _req: {{Route}}Req): Promise<{{Route}}Resp> {
  return {}
}
