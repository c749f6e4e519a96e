#!/usr/bin/env node
// `ferbench --version` prints oclif's user agent (name/version platform-arch node-version) without
// loading oclif, so CI scripts that ask for it pay only Node's start-up; the text is the one oclif
// prints (tests/cli/startup.test.ts compares them). Everything else goes through oclif.
import { readFileSync } from 'node:fs'
import os from 'node:os'

const wsl = os.platform() === 'linux' && /microsoft/i.test(os.release()) // oclif says `wsl` there: let it
if (process.argv.length === 3 && process.argv[2] === '--version' && !wsl) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(
    `${pkg.name}/${pkg.version} ${os.platform()}-${os.arch() === 'ia32' ? 'x86' : os.arch()} node-${process.version}\n`,
  )
} else {
  const { execute } = await import('@oclif/core')
  await execute({ dir: import.meta.url })
}
