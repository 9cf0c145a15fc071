import type { Logger } from '@looklook/logx'
import { type LogEntry, logLevel } from 'kafkajs'

/**
 * Routes kafkajs's own log lines into the process logger (JSON, logx field names) instead of
 * its console logger. kafkajs INFO is chatty (every join and fetch), so only WARN and above pass.
 */
export function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _ts, logger: _name, ...extra } = log
      const fields = { kafka: namespace, ...extra }
      if (level === logLevel.ERROR) logger.error(fields, `kafka: ${message}`)
      else if (level === logLevel.WARN) logger.warn(fields, `kafka: ${message}`)
      else logger.debug(fields, `kafka: ${message}`)
    }
}

export const KAFKA_LOG_LEVEL = logLevel.WARN
