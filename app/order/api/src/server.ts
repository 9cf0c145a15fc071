import type { Logger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { homestayOrderRoutes } from './routes/homestay-order.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds order-api without listening (tests use `app.inject`). */
export function createServer(svc: ServiceContext, logger: Logger): RestApp {
  const app = createRestServer({ conf: svc.config, logger })
  homestayOrderRoutes(app, svc)
  return app
}
