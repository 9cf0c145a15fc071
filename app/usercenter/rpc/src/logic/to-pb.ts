import { protoFields, toMessage } from '@looklook/model'
import type { UserAuth as UserAuthRow, User as UserRow } from '@looklook/usercenter-model'
import { loadProto } from '@looklook/zrpc'
import { type User, type UserAuth, usercenterProto } from '../../gen/usercenter.ts'

const proto = loadProto(usercenterProto)
const userFields = protoFields<User>(proto, 'pb.User')
const userAuthFields = protoFields<UserAuth>(proto, 'pb.UserAuth')

/** A user as the proto message. The message has no password field, so the hash never leaves this service. */
export function toPbUser(row: UserRow): User {
  return toMessage(userFields, row)
}

export function toPbUserAuth(row: UserAuthRow): UserAuth {
  return toMessage(userAuthFields, row)
}
