import { restService } from '@looklook/rest'
import { closer, runProcess } from '@looklook/service'
import { load{{Name}}ApiConf } from './config.ts'
import { createServer } from './server.ts'
import { createServiceContext } from './svc-context.ts'

await runProcess({
  load: () => load{{Name}}ApiConf(),
  build: (conf, logger) => {
    const svc = createServiceContext(conf, logger)
    return [closer('service context', svc.close), restService(createServer(svc, logger), conf)]
  },
})
