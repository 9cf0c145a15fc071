import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type {{Name}}Service, {{name}}Proto, {{name}}ServiceName } from '../gen/{{name}}.ts'
import { createItem } from './handlers/create-item.ts'
import { getItem } from './handlers/get-item.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds {{name}}-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<{{Name}}Service>({{name}}Proto, {{name}}ServiceName, {
    createItem: (req) => createItem(svc, req),
    getItem: (req) => getItem(svc, req),
  })
  return server
}
