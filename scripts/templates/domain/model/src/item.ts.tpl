import { defineModel } from '@looklook/model'
import { itemTable } from './gen/item.ts'

/** `{{db}}.item` through the Redis row cache; the columns come from deploy/sql/{{sqlFile}}. */
export class ItemModel extends defineModel(itemTable) {}
