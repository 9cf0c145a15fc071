import type { Logger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { itemRoutes } from './routes/item.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds {{name}}-api without listening (tests use `app.inject`). */
export function createServer(svc: ServiceContext, logger: Logger): RestApp {
  const app = createRestServer({ conf: svc.config, logger })
  itemRoutes(app, svc)
  return app
}
