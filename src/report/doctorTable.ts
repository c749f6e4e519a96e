import type { DoctorResult } from '../results/doctorDocument.js'
import Table from './table.js'
import { fitText, terminalColumns } from './fit.js'
import { percentFigure, pValueCoarse } from './format.js'

const pct = (x: number): string => percentFigure(x, 1)
const withInterval = (x: number, ci: readonly [number, number]): string => `${pct(x)} [${pct(ci[0])}–${pct(ci[1])}]`

/** Candidate names without the words every candidate shares (e.g. the layout when the shape settles it). */
function shortNames(names: readonly string[]): string[] {
  const split = names.map((n) => n.split(' '))
  const common = new Set(split[0]!.filter((w) => split.every((ws) => ws.includes(w))))
  return split.map((ws) => ws.filter((w) => !common.has(w)).join(' ') || names[0]!)
}

/** Wraps a list of words to lines of at most `width` characters, each indented. */
function wrap(words: readonly string[], width: number, indent: string): string {
  const lines: string[] = []
  let line = ''
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent.length) {
      lines.push(indent + line)
      line = w
    } else line = line ? `${line} ${w}` : w
  }
  if (line) lines.push(indent + line)
  return lines.join('\n')
}

/** The doctor's report for a terminal: the ranked candidates, the assignment, ties, recommendation. */
export function renderDoctor(result: DoctorResult): string {
  const out: string[] = []
  const names = result.candidates.map((c) => c.name)
  const short = shortNames(names)
  const common = names[0]!.split(' ').filter((w) => !short.some((s) => s.split(' ').includes(w)))
  out.push(
    `model ${result.model.path}: input [${result.model.input.shape.join(', ')}], ${result.model.outputs} outputs`,
  )
  out.push(
    `${result.dataset.name} ${result.dataset.split}: ${result.samples} samples (seed ${result.sampling.seed}, ${Object.entries(
      result.sampling.perClass,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  )
  out.push(`declared label order (${result.declared.source}):`)
  out.push(wrap(result.declared.labels, terminalColumns(), '  '))
  out.push(`candidates${common.length > 0 ? ` (all: ${common.join(' ')})` : ''}, accuracy % [95% Wilson interval]:`)
  const table = new Table({ head: ['#', 'candidate', 'declared order', 'best labels', 'output', 'vs #1'] })
  result.candidates.forEach((c, i) => {
    const vs =
      c.vsBest === null
        ? '—'
        : c.verdict === 'equivalent'
          ? 'identical'
          : `${c.verdict} p=${pValueCoarse(c.vsBest.pValue)}`
    table.push([
      String(i + 1),
      short[i]!,
      withInterval(c.accuracy, c.accuracyCI95),
      withInterval(c.bestAssignment.accuracy, c.bestAssignment.accuracyCI95),
      c.output === 'probabilities' ? 'probs' : 'logits',
      vs,
    ])
  })
  out.push(table.toString())
  out.push(`best labels of #1 (model output order):`)
  out.push(wrap(result.candidates[0]!.bestAssignment.labels, terminalColumns(), '  '))
  out.push(
    wrap(`rule: ${result.rule.test}; told apart when p < ${result.rule.alpha}`.split(' '), terminalColumns(), ''),
  )
  const labelTies = result.ties.filter((t) => t.kind === 'labels' && t.blocking)
  const shown = labelTies.length > 3 ? result.ties.filter((t) => !labelTies.includes(t)) : result.ties
  if (result.ties.length > 0) {
    out.push('ties (✗ keeps the doctor from recommending; · does not):')
    for (const tie of shown)
      out.push(wrap(`${tie.blocking ? '✗' : '·'} ${tie.kind}: ${tie.detail}`.split(' '), terminalColumns(), '  '))
    if (labelTies.length > 3) {
      const pairs = labelTies.map((t) => `${t.labels![0]}/${t.labels![1]}`)
      out.push(
        wrap(
          `✗ labels: the label order of ${labelTies.length} pairs of classes cannot be told apart on this sample: ${pairs.join(', ')}; more images of these classes on which the model separates them would (details in --json)`.split(
            ' ',
          ),
          terminalColumns(),
          '  ',
        ),
      )
    }
  }
  const rounds = result.sampling.rounds ?? []
  if (rounds.length > 1)
    out.push(
      wrap(
        `sample grew while a tie blocked the card: ${rounds.map((r) => `${r.samples} (${r.splits.join('+')}${r.blocking.length > 0 ? `; open: ${r.blocking.join(', ')}` : '; settled'})`).join(' → ')}`.split(
          ' ',
        ),
        100,
        '',
      ),
    )
  if (result.recommended) {
    out.push(
      `recommended: ${result.recommended.name}, ${withInterval(result.recommended.accuracy, result.recommended.accuracyCI95)} (write it with --write-card <file>)`,
    )
    const unsettled = (result.recommended.card.origin?.evidence.unsettled ?? []) as Array<{
      field: string
      value: unknown
      from: string
      alternatives: Array<{ candidate: string; pValue: number }>
    }>
    for (const u of unsettled)
      out.push(
        wrap(
          `  unsettled ${u.field}: ${JSON.stringify(u.value)} from ${u.from}; ties with ${u.alternatives.map((a) => `${a.candidate} (p=${pValueCoarse(a.pValue)})`).join(', ')}`.split(
            ' ',
          ),
          100,
          '  ',
        ),
      )
  } else {
    out.push('recommended: none — the candidates marked ✗ above tie; see what would separate them')
  }
  if (result.warnings.length > 0)
    out.push(
      ['warnings:', ...result.warnings.map((w) => wrap(`- ${w}`.split(' '), terminalColumns(), '  '))].join('\n'),
    )
  return fitText(out.join('\n'))
}
