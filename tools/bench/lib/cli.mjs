// What every benchmark reads from its command line and where the package root is.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root (tools/bench/lib/ is three levels below it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** The value after `--name` on the command line, else `fallback`. */
export function opt(name, fallback) {
  const args = process.argv.slice(2)
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
