import { type Static, Type } from '@sinclair/typebox'
