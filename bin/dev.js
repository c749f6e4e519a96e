#!/usr/bin/env node
// Development entry: same as run.js but with oclif's development flag (more verbose errors).
// Commands are read from dist/, so run `npm run build` after editing src/.
import { execute } from '@oclif/core'

await execute({ development: true, dir: import.meta.url })
