import { escapeXml } from './escape.js'
import { percent, percentFigure, pValueBrief } from './format.js'
import type { Calibration, Slices } from './beyondRows.js'
import { FONT, svgOpen } from './svg.js'

/**
 * Reliability diagram: per confidence bin, a bar up to the bin's accuracy (blue) and the gap to
 * its mean confidence (red outline), the diagonal of perfect calibration, and the share of samples
 * per bin as a strip below. Empty bins are left blank.
 */
export function reliabilityDiagramSvg(c: Calibration, title = 'Reliability diagram'): string {
  const size = 300
  const left = 60
  const top = 40
  const strip = 40
  const width = left + size + 70
  const height = top + size + strip + 84
  const x = (v: number): number => left + v * size
  const y = (v: number): number => top + size - v * size
  const parts = svgOpen(width, height, title)
  parts.push(
    `<text x="${left}" y="22" ${FONT} font-size="15" font-weight="bold" fill="#111">${escapeXml(title)}</text>`,
    `<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="#f6f8fa" stroke="#d0d7de"/>`,
  )
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<text x="${left - 6}" y="${y(t) + 4}" ${FONT} font-size="10" fill="#555" text-anchor="end">${t}</text>`,
      `<text x="${x(t)}" y="${top + size + 14}" ${FONT} font-size="10" fill="#555" text-anchor="middle">${t}</text>`,
    )
  }
  const maxShare = Math.max(...c.bins.map((b) => b.samples), 1)
  for (const b of c.bins) {
    if (b.samples === 0) continue
    const bw = (b.high - b.low) * size
    parts.push(
      `<rect x="${x(b.low) + 1}" y="${y(b.accuracy)}" width="${bw - 2}" height="${b.accuracy * size}" fill="#4c78a8"><title>${escapeXml(`confidence ${b.low.toFixed(3)}–${b.high.toFixed(3)}: ${b.samples} samples, accuracy ${b.accuracy.toFixed(3)}, mean confidence ${b.confidence.toFixed(3)}`)}</title></rect>`,
      `<rect x="${x(b.low) + 1}" y="${y(Math.max(b.accuracy, b.confidence))}" width="${bw - 2}" height="${Math.abs(b.accuracy - b.confidence) * size}" fill="#e4572e" fill-opacity="0.25" stroke="#e4572e" stroke-width="1"/>`,
      `<rect x="${x(b.low) + 1}" y="${top + size + 20 + strip - (b.samples / maxShare) * strip}" width="${bw - 2}" height="${(b.samples / maxShare) * strip}" fill="#8c8c8c"/>`,
    )
  }
  parts.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${left + size / 2}" y="${height - 44}" ${FONT} font-size="11" fill="#333" text-anchor="middle">confidence (top label); grey strip: samples per bin</text>`,
    `<text x="16" y="${top + size / 2}" ${FONT} font-size="11" fill="#333" text-anchor="middle" transform="rotate(-90 16 ${top + size / 2})">accuracy</text>`,
    `<text x="${left}" y="${height - 26}" ${FONT} font-size="11" fill="#555">ECE ${percent(c.ece)}, MCE ${percent(c.mce)} (15 bins)</text>`,
    `<text x="${left}" y="${height - 10}" ${FONT} font-size="11" fill="#555">NLL ${c.nll.toFixed(3)}, Brier ${c.brier.toFixed(3)}, ${c.samples} samples</text>`,
    '</svg>',
  )
  return parts.join('\n')
}

/** Per attribute: each group's accuracy as a bar with its 95% Wilson interval; unranked groups hatched grey. */
export function sliceBarsSvg(attribute: string, slice: Slices[string]): string {
  const groups = Object.entries(slice.groups)
  const left = 130
  const scale = 300
  const barH = 16
  const top = 40
  const width = left + scale + 90
  const height = top + groups.length * (barH + 8) + 56
  const parts = svgOpen(width, height, `Accuracy by ${attribute}`)
  parts.push(
    `<text x="${left}" y="22" ${FONT} font-size="15" font-weight="bold" fill="#111">${escapeXml(`Accuracy by ${attribute}`)}</text>`,
  )
  groups.forEach(([value, g], i) => {
    const yy = top + i * (barH + 8)
    const fill = g.ranked ? '#54a24b' : '#bdbdbd'
    parts.push(
      `<text x="${left - 8}" y="${yy + barH - 4}" ${FONT} font-size="11" fill="#222" text-anchor="end">${escapeXml(`${value} (${g.samples})`)}</text>`,
      `<rect x="${left}" y="${yy}" width="${scale}" height="${barH}" fill="#f0f2f5"/>`,
      `<rect x="${left}" y="${yy}" width="${(g.accuracy * scale).toFixed(1)}" height="${barH}" fill="${fill}"><title>${escapeXml(`${attribute}=${value}: accuracy ${percent(g.accuracy)} of ${g.samples}`)}</title></rect>`,
      `<line x1="${left + g.accuracyCI95[0] * scale}" y1="${yy + barH / 2}" x2="${left + g.accuracyCI95[1] * scale}" y2="${yy + barH / 2}" stroke="#111" stroke-width="1.5"/>`,
      `<text x="${left + scale + 6}" y="${yy + barH - 4}" ${FONT} font-size="10" fill="#333">${percent(g.accuracy, 1)}</text>`,
    )
  })
  const gap = slice.maxGap
  const note = gap
    ? `largest gap ${percentFigure(gap.difference)} pts, ${gap.a} vs ${gap.b}, Fisher p = ${pValueBrief(gap.pValue)}`
    : `no gap ranked (groups need ≥ ${slice.minSamples} samples)`
  parts.push(
    `<text x="${left}" y="${height - 26}" ${FONT} font-size="11" fill="#555">${escapeXml(note)}</text>`,
    `<text x="${left}" y="${height - 10}" ${FONT} font-size="11" fill="#555">line = 95% Wilson interval; grey = not ranked</text>`,
    '</svg>',
  )
  return parts.join('\n')
}

/** Places SVG figures side by side in one SVG (for the PNG report), wrapping at maxWidth. */
export function tileSvgs(figures: readonly string[], maxWidth = 1400): string {
  let x = 0
  let y = 0
  let rowHeight = 0
  let width = 0
  const placed: string[] = []
  for (const svg of figures) {
    const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0)
    const h = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0)
    if (x > 0 && x + w > maxWidth) {
      x = 0
      y += rowHeight
      rowHeight = 0
    }
    placed.push(svg.replace('<svg ', `<svg x="${x}" y="${y}" `))
    x += w
    width = Math.max(width, x)
    rowHeight = Math.max(rowHeight, h)
  }
  const height = y + rowHeight
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...placed,
    '</svg>',
  ].join('\n')
}
