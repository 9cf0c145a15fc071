import type { {{Method}}Req, {{Method}}Resp } from '../../gen/{{domain}}.ts'
import type { ServiceContext } from '../svc-context.ts'

/** {{method}}: the use case. */
export async function {{method}}(_svc: ServiceContext, _req: {{Method}}Req): Promise<{{Method}}Resp> {
  return {}
}
