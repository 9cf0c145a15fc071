import { ServiceGroup } from '@looklook/core'
import { createLogger } from '@looklook/logx'
import { ensureKeys } from './keys.ts'
import { createSandbox, loadSandboxConf } from './server.ts'

const conf = loadSandboxConf()
const log = createLogger({ service: conf.Name, level: conf.Log?.Level })
const keys = await ensureKeys(conf.KeyDir, { mchId: conf.MchId, apiV3Key: conf.ApiV3Key })
const sandbox = createSandbox(conf, keys, { log })

await new ServiceGroup()
  .add({
    name: 'http',
    start: async () => {
      const baseUrl = await sandbox.listen()
      log.info({ baseUrl, keyDir: keys.dir, signMode: conf.SignMode }, 'wechat sandbox listening')
    },
    stop: () => sandbox.close(),
  })
  .runUntilSignal(log)
