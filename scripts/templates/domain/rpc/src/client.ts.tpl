import type { TRpcClientConf } from '@looklook/conf'
import type { Logger } from '@looklook/logx'
import { createRpcClient, type RpcClient } from '@looklook/zrpc'
import { type {{Name}}Service, {{name}}Proto, {{name}}ServiceName } from '../gen/{{name}}.ts'

export type {{Name}}Client = RpcClient<{{Name}}Service>

/** A typed {{name}}-rpc client for other processes ({{name}}-api calls it). */
export function create{{Name}}Client(conf: TRpcClientConf, logger: Logger): {{Name}}Client {
  return createRpcClient<{{Name}}Service>({{name}}Proto, {{name}}ServiceName, conf, logger)
}
