import { asService, closer, runProcess } from '@looklook/service'
import { loadOrderMqConf } from './config.ts'
import { createListeners } from './server.ts'
import { createServiceContext } from './svc-context.ts'

await runProcess({
  load: () => loadOrderMqConf(),
  build: (conf, logger) => {
    const svc = createServiceContext(conf, logger)
    const { payments, jobs } = createListeners(svc)
    // Stopped in reverse: listeners drain their work first, then the clients they use close.
    return [closer('service context', svc.close), asService(`kafka ${conf.Kafka.Topic}`, payments), asService('bullmq worker', jobs)]
  },
})
