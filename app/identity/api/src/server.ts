import type { Logger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { verifyTokenRoute } from './routes/verify.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds identity-api without listening (tests use `app.inject`). */
export function createServer(svc: ServiceContext, logger: Logger): RestApp {
  const app = createRestServer({ conf: svc.config, logger })
  verifyTokenRoute(app, svc)
  return app
}
