#!/usr/bin/env node
// The `lbm` command: runs the TypeScript CLI directly through tsx, so there is no build step
// between a source change and the command.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
