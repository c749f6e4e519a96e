import { existsSync } from 'node:fs'
import path from 'node:path'
import { runCli } from './cli.js'

/** A command from a fenced `sh` block of the user docs. */
export interface DocCommand {
  file: string
  line: number
  text: string
  /** 0, or the code a trailing comment names ("# exit 8: …"). */
  expectedExit: number
}

/** Flags whose value is a file ferbench writes (it need not exist before). */
export const OUTPUT_FLAGS = new Set([
  '--output',
  '-o',
  '--report',
  '--predictions',
  '--write-card',
  '--html',
  '--png',
  '--store',
])
/** Flags whose value is a file or folder ferbench reads: it must be bundled (or written by an earlier step). */
const INPUT_FLAGS = new Set([
  '--data',
  '-d',
  '--model',
  '-m',
  '--card',
  '--labels',
  '--reference',
  '--reference-card',
  '--baseline',
  '--current',
  '--resume',
])

/** Words of a command line: blanks split, single and double quotes group (enough for the docs). */
export function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)
}

/** The line without its trailing comment (a # after blanks, outside quotes). */
export function withoutComment(line: string): { command: string; comment: string } {
  const m = /^((?:[^'"#]|'[^']*'|"[^"]*")*?)\s+#\s?(.*)$/.exec(line)
  return m ? { command: m[1]!.trim(), comment: m[2]! } : { command: line.trim(), comment: '' }
}

/**
 * Why a command cannot run on the bundled files alone (it is then not run), or undefined:
 * not a ferbench command, a placeholder (`[--json]`, `<id>`, `…`), or an input file that is not
 * in the repository and that no earlier command of the same file writes.
 */
export function notRunnable(cmd: DocCommand, cwd: string): string | undefined {
  const w = words(cmd.text)
  const start = w[0] === 'npx' ? 1 : 0
  if (w[start] !== 'ferbench') return 'not a ferbench command'
  if (/[[\]<>…|$`]/.test(cmd.text.replace(/'[^']*'/g, ''))) return 'placeholder syntax'
  // `history show` reads a store (--store, default .ferbench-history) that an earlier step must have written
  if (w[start + 1] === 'history' && w[start + 2] === 'show') {
    const store = w[w.indexOf('--store') + 1] ?? '.ferbench-history'
    if (!existsSync(path.join(cwd, w.includes('--store') ? store : '.ferbench-history')))
      return 'reads a history store that is not there'
  }
  // `models pull` fetches from the internet unless its files come from --from or a mirror folder
  if (w[start + 1] === 'models' && w[start + 2] === 'pull' && !w.includes('--from') && !w.includes('--mirror'))
    return 'downloads from the internet'
  if (w.includes('--pull')) return 'downloads from the internet'
  for (let i = start + 1; i < w.length; i++) {
    if (OUTPUT_FLAGS.has(w[i - 1]!)) continue
    const word = w[i]!
    const isInput = INPUT_FLAGS.has(w[i - 1]!)
    // a shard (`1/2`) or a `key=value` map is not a path
    if (
      word.startsWith('-') ||
      /^\d+\/\d+$/.test(word) ||
      (!isInput && !/\/|\.(onnx|csv|json|md|html|png|xml|txt|tiff?)$/.test(word))
    )
      continue
    if (!existsSync(path.join(cwd, word))) return `input ${word} is not bundled`
  }
  return undefined
}

/**
 * Runs a documented command line in `cwd` (in process, see runCli), its output as stdout then
 * stderr; a promise so that tables of cases can run it with it.concurrent.
 */
export async function runIn(cwd: string, cmd: DocCommand): Promise<{ status: number | null; output: string }> {
  const w = words(cmd.text)
  const run = runCli(w.slice(w[0] === 'npx' ? 2 : 1), { cwd })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}
