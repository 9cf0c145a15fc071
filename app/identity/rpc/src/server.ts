import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type IdentityService, identityProto, identityServiceName } from '../gen/identity.ts'
import { clearToken, generateToken, validateToken } from './handlers/tokens.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds identity-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<IdentityService>(identityProto, identityServiceName, {
    generateToken: (req, ctx) => generateToken(svc, req, ctx),
    clearToken: (req) => clearToken(svc, req),
    validateToken: (req) => validateToken(svc, req),
  })
  return server
}
