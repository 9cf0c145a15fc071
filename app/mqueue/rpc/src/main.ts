import { asService, runProcess } from '@looklook/service'
import { loadMqueueRpcConf } from './config.ts'
import { createServer } from './server.ts'
import { createServiceContext } from './svc-context.ts'

await runProcess({
  load: () => loadMqueueRpcConf(),
  build: (conf, logger) => {
    const svc = createServiceContext(conf, logger)
    return [{ name: 'kafka and redis', start: () => svc.open(), stop: () => svc.close() }, asService('grpc', createServer(svc, logger))]
  },
})
