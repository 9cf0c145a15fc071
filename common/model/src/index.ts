/**
 * @looklook/model — the model layer every rpc uses: go-zero's sqlx + sqlc + cache over mysql2 and
 * ioredis. See README.md for how a table file is written.
 */
export { Cache, type CacheOptions, type Codec, NOT_FOUND_PLACEHOLDER } from './cache.ts'
export { MAX_PAGE_SIZE, type MessageFields, protoFields, schemaFields, toMessage } from './mapping.ts'
export {
  CachedModel,
  defineModel,
  type ExecOptions,
  type Filter,
  type ListQuery,
  type ModelClass,
  type PageQuery,
} from './model.ts'
export { type CreateRedisOptions, createRedis, type Redis, type RedisOptions } from './redis.ts'
export {
  createPool,
  DEFAULT_IDLE_TIMEOUT_MS,
  defaultMaxIdle,
  type ExecResult,
  isDuplicateKeyError,
  isLockConflict,
  LOCK_CONFLICT_ATTEMPTS,
  type Queryer,
  retryOnLockConflict,
  SqlConn,
  type SqlValue,
  Tx,
} from './sql.ts'
export {
  type AutoColumn,
  type BaseColumns,
  baseColumns,
  type ColumnKind,
  type ColumnKinds,
  type ColumnName,
  DelState,
  defineTable,
  goctlCamel,
  type InsertData,
  type KindValue,
  type RowOf,
  type RowOfColumns,
  type Table,
  toSnake,
  type UniqueKeys,
  type UniqueWhere,
} from './table.ts'
