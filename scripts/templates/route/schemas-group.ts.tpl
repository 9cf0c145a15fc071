import { type Static, Type } from '@looklook/conf'
