import { asService, closer, runProcess } from '@looklook/service'
import { loadPaymentRpcConf } from './config.ts'
import { createServer } from './server.ts'
import { createServiceContext } from './svc-context.ts'

await runProcess({
  load: () => loadPaymentRpcConf(),
  build: (conf, logger) => {
    const svc = createServiceContext(conf, logger)
    // Stopped in reverse order: the gRPC server drains first, then the relay finishes its pass, then the pools close.
    return [closer('service context', svc.close), asService('outbox relay', svc.relay), asService('grpc', createServer(svc, logger))]
  },
})
