import { ServiceGroup } from '@looklook/core'
import { createLogger } from '@looklook/logx'
import { createApiDocs, loadApiDocsConf } from './server.ts'

const conf = loadApiDocsConf()
const log = createLogger({ service: conf.Name, level: conf.Log?.Level })
const docs = createApiDocs(conf, { log })

await new ServiceGroup()
  .add({
    name: 'http',
    start: async () => {
      const baseUrl = await docs.listen()
      log.info({ baseUrl, gateway: conf.Gateway.Url }, 'api docs listening')
    },
    stop: () => docs.close(),
  })
  .runUntilSignal(log)
