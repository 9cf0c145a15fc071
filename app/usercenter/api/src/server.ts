import type { Logger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { userRoutes } from './routes/user.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds usercenter-api without listening (tests use `app.inject`). */
export function createServer(svc: ServiceContext, logger: Logger): RestApp {
  const app = createRestServer({ conf: svc.config, logger })
  userRoutes(app, svc)
  return app
}
