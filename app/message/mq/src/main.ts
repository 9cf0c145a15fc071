import { consumerConfOptions, createConsumer, SendWxMiniSubMessage } from '@looklook/kq'
import { asService, runProcess } from '@looklook/service'
import { loadMessageMqConf } from './config.ts'
import { sendWxMiniTplMessage } from './consumers/send-wx-mini-tpl-message.ts'
import { createServiceContext } from './svc-context.ts'

await runProcess({
  load: () => loadMessageMqConf(),
  build: (conf, logger) => {
    const svc = createServiceContext(conf, logger)
    const consumer = createConsumer({
      ...consumerConfOptions(conf.Kafka),
      clientId: conf.Name,
      logger,
      schema: SendWxMiniSubMessage,
      handler: (msg) => sendWxMiniTplMessage(svc, msg),
    })
    return [asService(`kafka ${conf.Kafka.Topic}`, consumer)]
  },
})
