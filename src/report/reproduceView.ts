import type { ReproduceResult } from '../compare/reproduce.js'
import { fitText } from './fit.js'

/** The terminal view of a reproduction: claim, source, protocol, claimed vs measured, difference, verdict and reasons. */
export function renderReproduce(r: ReproduceResult): string {
  const c = r.claim
  const unit = (x: number): string =>
    c.unit === '%' ? `${x.toFixed(2)}%` : `${x.toFixed(c.unit === 'MB' ? 3 : 1)} ${c.unit}`
  const lines = [
    `claim     ${c.id}: ${c.system}`,
    `source    ${c.source}`,
    `protocol  ${c.protocolNotes}`,
    `claimed   ${c.comparator === '<' ? '< ' : ''}${unit(c.value)}`,
  ]
  if (r.measured) {
    lines.push(
      `measured  ${unit(r.measured.value)}${r.measured.ci95 ? ` (95% CI ${r.measured.ci95[0].toFixed(2)}–${r.measured.ci95[1].toFixed(2)}%)` : ''}; ${r.measured.detail}`,
    )
    if (r.difference !== null)
      lines.push(
        `difference ${r.difference >= 0 ? '+' : ''}${c.unit === '%' ? `${r.difference.toFixed(2)} points` : unit(r.difference)} (measured − claimed)`,
      )
    if (r.ratio !== undefined) lines.push(`ratio     ${r.ratio.toFixed(3)}× the claim`)
  } else {
    lines.push('measured  (nothing measured)')
  }
  lines.push(`verdict   ${r.verdict.toUpperCase()}`, ...r.reasons.map((x) => `  - ${x}`))
  if (r.warnings.length > 0) lines.push('warnings:', ...r.warnings.map((w) => `  - ${w}`))
  return fitText(lines.join('\n'))
}
