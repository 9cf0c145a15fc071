import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { LogConf, parseConfig, type Static, Type } from '@looklook/conf'

/** Schema of etc/wechat-sandbox.yaml. */
export const SandboxConfSchema = Type.Object({
  Name: Type.String({ minLength: 1 }),
  Host: Type.String({ default: '127.0.0.1' }),
  Port: Type.Integer({ minimum: 0, maximum: 65535 }),
  AppId: Type.String({ minLength: 1, maxLength: 32 }),
  AppSecret: Type.String({ minLength: 1 }),
  MchId: Type.String({ minLength: 1, maxLength: 32 }),
  ApiV3Key: Type.String({ default: '', pattern: '^(|.{32})$' }),
  KeyDir: Type.String({ minLength: 1 }),
  SignMode: Type.Union([Type.Literal('publickey'), Type.Literal('certificate')], { default: 'publickey' }),
  AccessTokenTtlSeconds: Type.Integer({ minimum: 1, default: 7200 }),
  CodeTtlSeconds: Type.Integer({ minimum: 1, default: 300 }),
  NotifyTimeoutMs: Type.Integer({ minimum: 1, default: 5000 }),
  Log: Type.Optional(LogConf),
})

export type SandboxConf = Static<typeof SandboxConfSchema>

/** The package directory (where etc/ lives); relative KeyDir values resolve against it, whatever the cwd. */
export const PACKAGE_DIR = resolve(import.meta.dirname, '..')

/** Reads etc/wechat-sandbox.yaml (or `$CONFIG_FILE`) with `${ENV}` interpolation from `env`, KeyDir made absolute. */
export function loadSandboxConf(env: NodeJS.ProcessEnv = process.env): SandboxConf {
  const file = env.CONFIG_FILE || join(PACKAGE_DIR, 'etc', 'wechat-sandbox.yaml')
  const conf = parseConfig(SandboxConfSchema, readFileSync(file, 'utf8'), file, env)
  return { ...conf, KeyDir: isAbsolute(conf.KeyDir) ? conf.KeyDir : resolve(PACKAGE_DIR, conf.KeyDir) }
}
