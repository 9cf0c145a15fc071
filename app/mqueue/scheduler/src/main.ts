import { asService, runProcess } from '@looklook/service'
import { loadMqueueSchedulerConf } from './config.ts'
import { createScheduler } from './scheduler.ts'

await runProcess({
  load: () => loadMqueueSchedulerConf(),
  build: (conf, logger) => [asService('job schedulers', createScheduler(conf, logger))],
})
