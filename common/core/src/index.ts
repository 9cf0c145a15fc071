/** @looklook/core — go-zero core equivalents: service group, mapreduce, singleflight, adaptive breaker and load shedder. */
export * from './breaker.ts'
export { DEFAULT_WORKERS, finish, type Mapper, mapConcurrent, mapReduce } from './mapreduce.ts'
export { type RunOptions, type Service, ServiceGroup } from './service-group.ts'
export * from './shedder.ts'
export { SingleFlight } from './singleflight.ts'
