import type { Claim } from '../compare/claimsSchema.js'
import { fitText } from './fit.js'
import Table from './table.js'

/** The claims list for the terminal: one row per claim (id, system, dataset and protocol, claimed value, whether it runs), then the legend. */
export function renderClaims(claims: readonly Claim[]): string {
  const t = new Table({ head: ['id', 'system', 'dataset, protocol', 'claimed', 'runs'], fit: { keep: [0] } })
  for (const c of claims) {
    const p = c.protocol
    const protocol = [
      c.dataset,
      p.kind === 'split' ? p.split : p.kind === 'kfold' ? `${p.folds}-fold` : 'not stated',
      p.tta !== 'unspecified' ? `TTA ${p.tta}` : '',
      p.preset ? `preset ${p.preset}` : '',
    ]
      .filter(Boolean)
      .join(', ')
    t.push([
      c.id,
      c.system,
      protocol,
      `${c.comparator === '<' ? '< ' : ''}${Number(c.value.toFixed(3))} ${c.unit}`,
      c.cannotRun ? 'no' : c.metric === 'fps' ? 'ratio' : 'yes',
    ])
  }
  return [
    t.toString(),
    fitText(
      'runs: yes = `ferbench reproduce <id>` runs the protocol; ratio = a speed claim, reported as a ratio to this machine; no = ferbench cannot run the protocol (the reason is in --json)',
    ),
  ].join('\n')
}
