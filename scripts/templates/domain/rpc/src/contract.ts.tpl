import { defineRefusals } from '@looklook/xerr'

/** {{name}}'s refusals (doc/errors.md, Refusals and reasons); callers import them from @looklook/{{name}}-rpc/contract. */
export const {{Name}}Refusals = defineRefusals({
  ITEM_NOT_FOUND: 'item does not exist',
})
