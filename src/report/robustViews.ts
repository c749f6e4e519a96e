import path from 'node:path'
import { escapeMarkdownText, escapeXml as esc } from './escape.js'
import { page } from './htmlPage.js'
import { tileSvgs } from './beyondSvg.js'
import type { RobustResult } from '../results/robustDocument.js'
import Table from './table.js'
import { fitText } from './fit.js'
import { percent as pct } from './format.js'
import { FONT, svgOpen } from './svg.js'

/** Views of a ferbench/robust@1 document: terminal table, markdown, HTML with one line chart per corruption, PNG of the charts. */

function summaryRows(r: RobustResult): string[][] {
  return [
    ['model', `${r.model.path} (sha256 ${r.model.sha256.slice(0, 12)}…)`],
    [
      'dataset',
      `${r.dataset.name} ${r.dataset.split}, ${r.dataset.samples} samples${r.dataset.shard ? `, shard ${r.dataset.shard.index}/${r.dataset.shard.count}` : ''}`,
    ],
    ['runner', `${r.runner.backend} ${r.runner.version} on ${r.runner.device}`],
    ['seed', String(r.seed)],
    [
      'clean accuracy',
      `${pct(r.clean.accuracy)} (${r.clean.correct}/${r.clean.samples}), 95% CI ${pct(r.clean.accuracyCI95[0])} – ${pct(r.clean.accuracyCI95[1])}`,
    ],
    ['mean corruption accuracy', pct(r.meanCorruptionAccuracy)],
    ['relative robustness (mCA / clean)', r.relativeRobustness.toFixed(3)],
    ...referenceRows(r),
  ]
}

const ratio = (v: number | null): string => (v === null ? 'undefined' : `${(v * 100).toFixed(1)}%`)

/** ImageNet-C's mCE and relative mCE, when the run had a reference (robust --reference). */
function referenceRows(r: RobustResult): string[][] {
  const e = r.referenceErrors
  if (!e) return []
  const reference = `${path.basename(e.model.path)} (sha256 ${e.model.sha256.slice(0, 12)}…)`
  return [
    ['mCE reference model', reference],
    ['mCE (ImageNet-C)', ratio(e.meanCorruptionError)],
    ['relative mCE (ImageNet-C)', ratio(e.relativeMeanCorruptionError)],
  ]
}

/** One row per corruption: accuracy at each severity run, then the corruption's mean. */
function robustGrid(r: RobustResult): { head: string[]; rows: string[][] } {
  const head = ['corruption', ...r.severities.map((s) => `severity ${s}`), 'mean']
  const rows = r.corruptions.map((c) => {
    const mine = r.results.filter((x) => x.corruption === c)
    const mean = mine.reduce((s, x) => s + x.accuracy, 0) / Math.max(1, mine.length)
    return [
      c,
      ...r.severities.map((s) => {
        const x = mine.find((m) => m.severity === s)
        return x ? pct(x.accuracy) : '–'
      }),
      pct(mean),
    ]
  })
  return { head, rows }
}

export function robustTable(r: RobustResult): string {
  const summary = new Table({ head: ['robust', 'value'], fit: { keep: [0] } })
  summary.push(...summaryRows(r))
  const { head, rows } = robustGrid(r)
  const grid = new Table({ head })
  grid.push(...rows)
  return fitText([summary.toString(), grid.toString(), ...r.warnings.map((w) => `warning: ${w}`)].join('\n'))
}

export function robustMarkdown(r: RobustResult): string {
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdownText).join(' | ')} |`
  const { head, rows } = robustGrid(r)
  const lines = [
    `## ferbench robust: ${path.basename(r.model.path)} on ${r.dataset.name} ${r.dataset.split}`,
    '',
    row(['metric', 'value']),
    row(['---', '---']),
    ...summaryRows(r).map(row),
    '',
    '### Accuracy by corruption and severity',
    '',
    row(head),
    row(head.map(() => '---')),
    ...rows.map(row),
  ]
  if (r.warnings.length > 0) lines.push('', '### Warnings', '', ...r.warnings.map((w) => `- ${w}`))
  return `${lines.join('\n')}\n`
}

/** Accuracy against severity for one corruption, with the 95% interval as whiskers and the clean accuracy as a dashed line. */
function robustLineChartSvg(r: RobustResult, corruption: string): string {
  const points = r.results.filter((x) => x.corruption === corruption).sort((a, b) => a.severity - b.severity)
  const left = 50
  const top = 36
  const w = 220
  const h = 150
  const width = left + w + 20
  const height = top + h + 40
  const x = (s: number): number => left + ((s - 1) / 4) * w
  const y = (a: number): number => top + h - a * h
  const parts = [
    ...svgOpen(width, height, `accuracy under ${corruption}`),
    `<text x="${left}" y="20" ${FONT} font-size="13" font-weight="bold" fill="#111">${esc(corruption)}</text>`,
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#f6f8fa" stroke="#d0d7de"/>`,
    `<line x1="${left}" y1="${y(r.clean.accuracy)}" x2="${left + w}" y2="${y(r.clean.accuracy)}" stroke="#54a24b" stroke-dasharray="5 3"><title>clean ${pct(r.clean.accuracy)}</title></line>`,
  ]
  for (const t of [0, 0.5, 1])
    parts.push(
      `<text x="${left - 6}" y="${y(t) + 4}" ${FONT} font-size="10" fill="#555" text-anchor="end">${t * 100}%</text>`,
    )
  for (let s = 1; s <= 5; s++)
    parts.push(
      `<text x="${x(s)}" y="${top + h + 14}" ${FONT} font-size="10" fill="#555" text-anchor="middle">${s}</text>`,
    )
  parts.push(
    `<text x="${left + w / 2}" y="${height - 6}" ${FONT} font-size="10" fill="#333" text-anchor="middle">severity (dashed: clean accuracy)</text>`,
  )
  if (points.length > 1)
    parts.push(
      `<polyline points="${points.map((p) => `${x(p.severity)},${y(p.accuracy)}`).join(' ')}" fill="none" stroke="#4c78a8" stroke-width="2"/>`,
    )
  for (const p of points) {
    parts.push(
      `<line x1="${x(p.severity)}" y1="${y(p.accuracyCI95[0])}" x2="${x(p.severity)}" y2="${y(p.accuracyCI95[1])}" stroke="#4c78a8" stroke-width="1"/>`,
      `<circle cx="${x(p.severity)}" cy="${y(p.accuracy)}" r="3.5" fill="#4c78a8"><title>${esc(`${corruption} severity ${p.severity}: ${pct(p.accuracy)} (${p.correct}/${p.samples})`)}</title></circle>`,
    )
  }
  parts.push('</svg>')
  return parts.join('\n')
}

export function robustHtml(r: RobustResult): string {
  const title = `ferbench robust: ${path.basename(r.model.path)} on ${r.dataset.name} ${r.dataset.split}`
  const { head, rows } = robustGrid(r)
  const body = [
    `<h1>${esc(title)}</h1>`,
    r.warnings.length > 0
      ? `<div class="warn"><strong>Warnings</strong><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`
      : '',
    `<table>${summaryRows(r)
      .map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`)
      .join('')}</table>`,
    '<h2>Accuracy by corruption and severity</h2>',
    `<table><tr>${head.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>${rows.map((cells) => `<tr>${cells.map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`,
    `<div class="figures">${r.corruptions.map((c) => robustLineChartSvg(r, c)).join('')}</div>`,
    `<footer>Generated by ferbench from a ${esc(r.schema)} document; corrupted images are seeded by sample id and seed ${r.seed}.</footer>`,
  ]
  return page(title, body.filter((b) => b !== '').join('\n'))
}

/** The line charts of every corruption, tiled: the figure `--report robust.png` rasterises. */
export function robustFiguresSvg(r: RobustResult): string {
  return tileSvgs(
    r.corruptions.map((c) => robustLineChartSvg(r, c)),
    1450,
  )
}
