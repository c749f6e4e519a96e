import type { ModelsListResult } from '../zoo/list.js'
import type { PullResult } from '../zoo/pull.js'
import { fitText } from './fit.js'
import Table from './table.js'

const mb = (bytes: number): string =>
  bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`

/** `models list` for the terminal: one row per registry entry, then where the cache is. */
export function renderModelsList(list: ModelsListResult): string {
  const table = new Table({ head: ['name', 'size', 'cached', 'licence', 'card (preset)'] })
  for (const m of list.models) table.push([m.name, mb(m.bytes), m.cached, m.licence.name, m.preset])
  return [
    table.toString(),
    ...list.models.map((m) =>
      fitText(
        `${m.name}${m.aliases.length ? ` (also ${m.aliases.join(', ')})` : ''}: ${m.title}; claims: ${m.claims.join(', ') || 'none'}`,
      ),
    ),
    fitText(`cache: ${list.cacheDir} (pull one with \`ferbench models pull <name>\`; use it with --model zoo:<name>)`),
  ].join('\n')
}

/** `models pull` for the terminal: each file, where it came from, and how to use the model. */
export function renderPull(result: PullResult): string {
  const table = new Table({ head: ['file', 'size', 'sha256', 'from'] })
  for (const f of result.files)
    table.push([f.name, mb(f.bytes), f.sha256, f.source === 'cache' ? 'already cached' : f.from])
  return [
    table.toString(),
    fitText(`${result.name}: verified (size and sha256) in ${result.dir}; card: ${result.cardPath}`),
    fitText(`use it: ferbench eval --model zoo:${result.name} --data <dataset>`),
  ].join('\n')
}
