import { asService, closer, runProcess } from '@looklook/service'
import { load{{Name}}RpcConf } from './config.ts'
import { createServer } from './server.ts'
import { createServiceContext } from './svc-context.ts'

await runProcess({
  load: () => load{{Name}}RpcConf(),
  build: (conf, logger) => {
    const svc = createServiceContext(conf, logger)
    return [closer('service context', svc.close), asService('grpc', createServer(svc, logger))]
  },
})
