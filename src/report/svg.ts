import type { EvalResult } from '../results/evalDocument.js'
import { escapeXml } from './escape.js'
import { percent } from './format.js'

type Metrics = EvalResult['metrics']

/** The font every SVG view asks for (DejaVu Sans is what the PNG renderer has). */
export const FONT = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"'

/** The opening of a standalone SVG view: the root element labelled for screen readers, on a white background. */
export const svgOpen = (width: number, height: number, label: string): string[] => [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">`,
  `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
]

/** White → deep blue; t in [0, 1]. */
function blue(t: number): string {
  const c = (from: number, to: number): number => Math.round(from + (to - from) * t)
  return `rgb(${c(247, 8)},${c(251, 48)},${c(255, 107)})`
}

/**
 * The confusion matrix as an SVG heatmap: rows = truth, columns = prediction, each cell shaded
 * by its share of the row (so the diagonal reads as per-class recall) and labelled with its count
 * and that share. Self-contained (no external fonts, images or scripts).
 */
export function confusionHeatmapSvg(metrics: Metrics, title = 'Confusion matrix'): string {
  const { labels, counts } = metrics.confusionMatrix
  const k = labels.length
  const cell = 64
  const left = 120
  const top = 130
  const width = left + k * cell + 20
  const height = top + k * cell + 62
  const parts: string[] = [
    ...svgOpen(width, height, title),
    `<text x="${left}" y="24" ${FONT} font-size="16" font-weight="bold" fill="#111">${escapeXml(title)}</text>`,
    `<text x="${left + (k * cell) / 2}" y="48" ${FONT} font-size="13" fill="#333" text-anchor="middle">predicted</text>`,
    `<text x="18" y="${top + (k * cell) / 2}" ${FONT} font-size="13" fill="#333" text-anchor="middle" transform="rotate(-90 18 ${top + (k * cell) / 2})">truth</text>`,
  ]
  labels.forEach((label, j) => {
    const x = left + j * cell + cell / 2
    parts.push(
      `<text x="${x}" y="${top - 8}" ${FONT} font-size="12" fill="#222" text-anchor="start" transform="rotate(-45 ${x} ${top - 8})">${escapeXml(label)}</text>`,
    )
  })
  counts.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0)
    parts.push(
      `<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" ${FONT} font-size="12" fill="#222" text-anchor="end">${escapeXml(labels[i]!)}</text>`,
    )
    row.forEach((n, j) => {
      const share = rowTotal === 0 ? 0 : n / rowTotal
      const x = left + j * cell
      const y = top + i * cell
      const ink = share > 0.5 ? '#ffffff' : '#111111'
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blue(share)}" stroke="#d0d7de" stroke-width="1"><title>${escapeXml(`${labels[i]} → ${labels[j]}: ${n} (${percent(share, 1)} of ${labels[i]})`)}</title></rect>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 2}" ${FONT} font-size="15" font-weight="bold" fill="${ink}" text-anchor="middle">${n}</text>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 18}" ${FONT} font-size="10" fill="${ink}" text-anchor="middle">${rowTotal === 0 ? '–' : `${Math.round(share * 100)}%`}</text>`,
      )
    })
  })
  // the diagonal (correct predictions) outlined last, so no neighbouring cell paints over it
  for (let i = 0; i < k; i++)
    parts.push(
      `<rect x="${left + i * cell + 1}" y="${top + i * cell + 1}" width="${cell - 2}" height="${cell - 2}" fill="none" stroke="#e4572e" stroke-width="2"/>`,
    )
  parts.push(
    `<text x="${left}" y="${height - 30}" ${FONT} font-size="11" fill="#555">rows = truth, columns = prediction, shade = share of the row</text>`,
    `<text x="${left}" y="${height - 14}" ${FONT} font-size="11" fill="#555">accuracy ${percent(metrics.accuracy)} (${metrics.correct}/${metrics.samples})</text>`,
    '</svg>',
  )
  return parts.join('\n')
}

/** Horizontal bars of precision, recall and F1 per class (0–1 scale). */
export function perClassBarsSvg(metrics: Metrics): string {
  const series = [
    { key: 'precision', color: '#4c78a8' },
    { key: 'recall', color: '#f58518' },
    { key: 'f1', color: '#54a24b' },
  ] as const
  const left = 110
  const barH = 12
  const group = series.length * barH + 14
  const scale = 360
  const top = 40
  const width = left + scale + 80
  const height = top + metrics.perClass.length * group + 30
  const parts: string[] = [
    ...svgOpen(width, height, 'Per-class precision, recall and F1'),
    `<text x="${left}" y="20" ${FONT} font-size="15" font-weight="bold" fill="#111">Per-class precision, recall, F1</text>`,
  ]
  series.forEach((s, i) => {
    parts.push(
      `<rect x="${left + i * 100}" y="${height - 18}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${left + i * 100 + 14}" y="${height - 9}" ${FONT} font-size="11" fill="#333">${s.key}</text>`,
    )
  })
  metrics.perClass.forEach((c, g) => {
    const y0 = top + g * group
    parts.push(
      `<text x="${left - 8}" y="${y0 + (series.length * barH) / 2 + 4}" ${FONT} font-size="12" fill="#222" text-anchor="end">${escapeXml(c.label)} (${c.support})</text>`,
    )
    series.forEach((s, i) => {
      const v = c[s.key]
      const y = y0 + i * barH
      parts.push(
        `<rect x="${left}" y="${y}" width="${scale}" height="${barH - 2}" fill="#f0f2f5"/>`,
        `<rect x="${left}" y="${y}" width="${(v * scale).toFixed(1)}" height="${barH - 2}" fill="${s.color}"><title>${escapeXml(`${c.label} ${s.key} ${v.toFixed(3)}`)}</title></rect>`,
        `<text x="${left + scale + 6}" y="${y + barH - 3}" ${FONT} font-size="10" fill="#333">${v.toFixed(3)}</text>`,
      )
    })
  })
  parts.push('</svg>')
  return parts.join('\n')
}
