import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'
import { notRunnable, runIn, type DocCommand } from '../helpers/shellCommands.js'

interface Manifest {
  commands: Record<string, { examples?: Array<string | { command: string }>; pluginName?: string; pluginType?: string }>
}

/** The help examples of ferbench's own commands, as a user reads them (`ferbench …`). */
function examples(): Array<[string, string[]]> {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest
  return Object.entries(manifest.commands).map(([id, c]) => [
    id.replaceAll(':', ' '),
    (c.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'ferbench')),
  ])
}

/** An example's steps (`a && b`): runnable when every step uses only bundled files or files an earlier step wrote. */
const steps = (example: string, id: string): DocCommand[] =>
  example.split(/\s+&&\s+/).map((text) => ({ file: `ferbench ${id} --help`, line: 0, text, expectedExit: 0 }))

describe('every command shows at least two examples that run as they are, from the repository folder', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  it.concurrent.each(examples())(
    '%s',
    async (id, list) => {
      let runnable = 0
      const failures: string[] = []
      for (const example of list) {
        // each example in a folder of its own, fixtures/ linked in: its outputs land there
        const cwd = tempDir('ferbench-example-')
        dirs.push(cwd)
        symlinkSync(path.join(ROOT, 'fixtures'), path.join(cwd, 'fixtures'))
        const parts = steps(example, id)
        let ok = true
        for (const step of parts) {
          if (notRunnable(step, cwd)) {
            ok = false
            break
          }
          const run = await runIn(cwd, step)
          if (run.status !== 0)
            failures.push(`\`${example}\`: \`${step.text}\` exited ${run.status}\n${run.output.slice(-1200)}`)
        }
        if (ok) runnable += 1
      }
      expect(failures).toEqual([])
      expect(runnable, `ferbench ${id} --help: runnable examples`).toBeGreaterThanOrEqual(2)
    },
    600_000,
  )

  it('the help text shows them (ferbench eval --help)', () => {
    const run = spawnSync(process.execPath, [BIN, 'eval', '--help'], { encoding: 'utf8' })
    expect(run.stdout).toMatch(/EXAMPLES[\s\S]*\$ ferbench eval --model fixtures\/models\/tinyconv\.onnx/)
  })
})
