import type { Logger } from '@looklook/logx'
import { createRestServer, type RestApp } from '@looklook/rest'
import { thirdPaymentRoutes } from './routes/third-payment.ts'
import type { ServiceContext } from './svc-context.ts'

/** Builds payment-api without listening (tests use `app.inject`). */
export function createServer(svc: ServiceContext, logger: Logger): RestApp {
  const app = createRestServer({ conf: svc.config, logger })
  thirdPaymentRoutes(app, svc)
  return app
}
