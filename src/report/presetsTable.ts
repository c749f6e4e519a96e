import type { PresetSummary } from '../card/presets.js'
import { fitText } from './fit.js'
import Table from './table.js'

/** The built-in cards for the terminal: one row per preset, then each preset's source. */
export function renderPresets(presets: readonly PresetSummary[]): string {
  const table = new Table({ head: ['preset', 'input', 'scale', 'tta', 'output', 'labels (model order)'] })
  for (const p of presets) table.push([p.name, p.input, p.scale, p.tta, p.output, p.labels.join(', ')])
  return [table.toString(), ...presets.map((p) => fitText(`${p.name}: ${p.source}`))].join('\n')
}
