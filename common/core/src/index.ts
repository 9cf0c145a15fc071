export { SingleFlight } from './singleflight.ts'
export { DEFAULT_WORKERS, finish, type Mapper, mapConcurrent, mapReduce } from './mapreduce.ts'
export { type RunOptions, type Service, ServiceGroup } from './service-group.ts'
