import { readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../helpers/cli.js'
import { notRunnable, runIn, withoutComment, type DocCommand } from '../helpers/shellCommands.js'

function docCommands(file: string): DocCommand[] {
  const out: DocCommand[] = []
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n')
  let inSh = false
  lines.forEach((raw, i) => {
    if (raw.startsWith('```')) {
      inSh = !inSh && raw.trim() === '```sh'
      return
    }
    if (!inSh || raw.trim() === '') return
    const { command, comment } = withoutComment(raw)
    const exit = /\bexit (\d+)\b/.exec(comment)
    // `npm install && npx ferbench eval`: the install has been done; the ferbench part runs.
    const segments = command.split(/\s+&&\s+/).filter((s) => !/^npm (install|ci)\b/.test(s))
    for (const text of segments) out.push({ file, line: i + 1, text, expectedExit: exit ? Number(exit[1]) : 0 })
  })
  return out
}

const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f)),
]

describe('every documented sh command that uses only bundled files runs', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
  let ran = 0

  it.concurrent.each(DOCS)(
    '%s',
    async (file) => {
      // Each file's commands run in order in a folder of their own, with fixtures/ linked in, so
      // outputs land there and a later command can read what an earlier one wrote.
      const cwd = tempDir('ferbench-doc-')
      dirs.push(cwd)
      symlinkSync(path.join(ROOT, 'fixtures'), path.join(cwd, 'fixtures'))
      const failures: string[] = []
      for (const cmd of docCommands(file)) {
        if (notRunnable(cmd, cwd)) continue
        const run = await runIn(cwd, cmd)
        ran += 1
        if (run.status !== cmd.expectedExit)
          failures.push(
            `${cmd.file}:${cmd.line}: \`${cmd.text}\` exited ${run.status}, expected ${cmd.expectedExit}\n${run.output.slice(-1500)}`,
          )
      }
      expect(failures).toEqual([])
    },
    600_000,
  )

  it('the docs hold enough runnable commands for this test to mean something', () => {
    expect(ran).toBeGreaterThanOrEqual(20)
  })

  it('the filter skips placeholders and files that are not bundled, and keeps bundled ones', () => {
    const cmd = (text: string): DocCommand => ({ file: 'x.md', line: 1, text, expectedExit: 0 })
    expect(notRunnable(cmd('npx ferbench eval --model m.onnx --data fer2013.csv'), ROOT)).toMatch(
      /m\.onnx is not bundled/,
    )
    expect(notRunnable(cmd('npx ferbench runners [--json]'), ROOT)).toBe('placeholder syntax')
    expect(notRunnable(cmd('npm test'), ROOT)).toBe('not a ferbench command')
    expect(
      notRunnable(cmd('npx ferbench eval --model fixtures/models/oracle.onnx --output new.json'), ROOT),
    ).toBeUndefined()
    expect(withoutComment("npx ferbench gate --a 'x # y'   # exit 8: regression")).toEqual({
      command: "npx ferbench gate --a 'x # y'",
      comment: 'exit 8: regression',
    })
  })
})
