import type { Logger } from '@looklook/logx'
import { create{{Name}}Client, type {{Name}}Client } from '@looklook/{{name}}-rpc/client'
import type { {{Name}}ApiConf } from './config.ts'

export interface ServiceContext {
  config: {{Name}}ApiConf
  {{name}}Rpc: {{Name}}Client
  close(): Promise<void>
}

export function createServiceContext(config: {{Name}}ApiConf, logger: Logger): ServiceContext {
  const {{name}}Rpc = create{{Name}}Client(config.{{Name}}Rpc, logger)
  return {
    config,
    {{name}}Rpc,
    async close() {
      {{name}}Rpc.close()
    },
  }
}
