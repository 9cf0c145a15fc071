import type { Logger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { homestayRoutes } from './routes/homestay.ts'
import { homestayBusinessRoutes } from './routes/homestay-business.ts'
import { homestayCommentRoutes } from './routes/homestay-comment.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds travel-api without listening (tests use `app.inject`). */
export function createServer(svc: ServiceContext, logger: Logger): RestApp {
  const app = createRestServer({ conf: svc.config, logger })
  homestayRoutes(app, svc)
  homestayBusinessRoutes(app, svc)
  homestayCommentRoutes(app, svc)
  return app
}
