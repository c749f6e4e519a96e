import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'

/** A command from a fenced `sh` block of the user docs. */
interface DocCommand {
  file: string
  line: number
  text: string
  /** 0, or the code a trailing comment names ("# exit 8: …"). */
  expectedExit: number
}

/** Flags whose value is a file ferbench writes (it need not exist before). */
const OUTPUT_FLAGS = new Set(['--output', '-o', '--report', '--predictions', '--write-card'])

/** Words of a command line: blanks split, single and double quotes group (enough for the docs). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)
}

/** The line without its trailing comment (a # after blanks, outside quotes). */
function withoutComment(line: string): { command: string; comment: string } {
  const m = /^((?:[^'"#]|'[^']*'|"[^"]*")*?)\s+#\s?(.*)$/.exec(line)
  return m ? { command: m[1]!.trim(), comment: m[2]! } : { command: line.trim(), comment: '' }
}

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

/**
 * Why a command cannot run on the bundled files alone (it is then not run), or undefined:
 * not a ferbench command, a placeholder (`[--json]`, `<id>`, `…`), or an input file that is not
 * in the repository and that no earlier command of the same file writes.
 */
function notRunnable(cmd: DocCommand, cwd: string): string | undefined {
  const w = words(cmd.text)
  const start = w[0] === 'npx' ? 1 : 0
  if (w[start] !== 'ferbench') return 'not a ferbench command'
  if (/[[\]<>…|$`]/.test(cmd.text.replace(/'[^']*'/g, ''))) return 'placeholder syntax'
  for (let i = start + 1; i < w.length; i++) {
    if (OUTPUT_FLAGS.has(w[i - 1]!)) continue
    const word = w[i]!
    if (word.startsWith('-') || !/\/|\.(onnx|csv|json|md|html|png|xml|txt|tiff?)$/.test(word)) continue
    if (!existsSync(path.join(cwd, word))) return `input ${word} is not bundled`
  }
  return undefined
}

function runIn(cwd: string, cmd: DocCommand): Promise<{ status: number | null; output: string }> {
  const w = words(cmd.text)
  const args = w.slice(w[0] === 'npx' ? 2 : 1)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, output }))
  })
}

const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))]

describe('every documented sh command that uses only bundled files runs', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
  let ran = 0

  it.concurrent.each(DOCS)('%s', async (file) => {
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
      if (run.status !== cmd.expectedExit) failures.push(`${cmd.file}:${cmd.line}: \`${cmd.text}\` exited ${run.status}, expected ${cmd.expectedExit}\n${run.output.slice(-1500)}`)
    }
    expect(failures).toEqual([])
  }, 600_000)

  it('the docs hold enough runnable commands for this test to mean something', () => {
    expect(ran).toBeGreaterThanOrEqual(20)
  })

  it('the filter skips placeholders and files that are not bundled, and keeps bundled ones', () => {
    const cmd = (text: string): DocCommand => ({ file: 'x.md', line: 1, text, expectedExit: 0 })
    expect(notRunnable(cmd('npx ferbench eval --model m.onnx --data fer2013.csv'), ROOT)).toMatch(/m\.onnx is not bundled/)
    expect(notRunnable(cmd('npx ferbench runners [--json]'), ROOT)).toBe('placeholder syntax')
    expect(notRunnable(cmd('npm test'), ROOT)).toBe('not a ferbench command')
    expect(notRunnable(cmd('npx ferbench eval --model fixtures/models/oracle.onnx --output new.json'), ROOT)).toBeUndefined()
    expect(withoutComment("npx ferbench gate --a 'x # y'   # exit 8: regression")).toEqual({ command: "npx ferbench gate --a 'x # y'", comment: 'exit 8: regression' })
  })
})
