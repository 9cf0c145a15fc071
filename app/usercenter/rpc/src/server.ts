import type { Logger } from '@looklook/logx'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { type UsercenterService, usercenterProto, usercenterServiceName } from '../gen/usercenter.ts'
import { login } from './handlers/login.ts'
import { register } from './handlers/register.ts'
import { getUserAuthByAuthKey, getUserAuthByUserId, getUserInfo, logout, removeUser } from './handlers/user-info.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds usercenter-rpc without listening (tests start it on port 0). */
export function createServer(svc: ServiceContext, logger: Logger): RpcServer {
  const server = createRpcServer({ conf: svc.config, logger })
  server.addService<UsercenterService>(usercenterProto, usercenterServiceName, {
    login: (req, ctx) => login(svc, req, ctx),
    register: (req, ctx) => register(svc, req, ctx),
    getUserInfo: (req) => getUserInfo(svc, req),
    getUserAuthByAuthKey: (req) => getUserAuthByAuthKey(svc, req),
    getUserAuthByUserId: (req) => getUserAuthByUserId(svc, req),
    logout: (req) => logout(svc, req),
    removeUser: (req) => removeUser(svc, req),
  })
  return server
}
