import { readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { evalDoc, type EvalDoc } from '../helpers/gateDocs.js'

let dir: string
let base: { file: string; doc: EvalDoc }
let csv: string

beforeAll(() => {
  dir = tempDir('ferbench-reports-')
  csv = path.join(dir, 'pred.csv')
  base = evalDoc(dir, 'result.json', [
    '--predictions',
    csv,
    '--no-embed-predictions',
    '--report',
    path.join(dir, 'eval.html'),
    '--report',
    path.join(dir, 'eval.md'),
  ])
})

describe('eval --predictions', () => {
  it('writes one CSV row per scored sample with the top-3 labels and scores, without embedding them in the JSON (--no-embed-predictions)', () => {
    expect(base.doc.predictions).toBeUndefined()
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('id,truth,predicted,correct,top1,top1_score,top2,top2_score,top3,top3_score')
    expect(lines.length - 1).toBe(base.doc.metrics.samples)
    const rows = lines.slice(1).map((l) => l.split(','))
    expect(rows.filter((r) => r[3] === '1').length).toBe(base.doc.metrics.correct)
    for (const r of rows) {
      expect(r[2]).toBe(r[4]) // predicted = top-1
      expect(r[3]).toBe(r[1] === r[2] ? '1' : '0')
      expect(Number(r[5])).toBeGreaterThanOrEqual(Number(r[7]))
      expect(Number(r[7])).toBeGreaterThanOrEqual(Number(r[9]))
    }
  })
})

describe('reports', () => {
  it('markdown: summary, per-class and confusion tables from the document', () => {
    const md = readFileSync(path.join(dir, 'eval.md'), 'utf8')
    const m = base.doc.metrics
    expect(md).toContain(`| accuracy | ${(m.accuracy * 100).toFixed(2)}% (${m.correct}/${m.samples}) |`)
    for (const c of m.perClass)
      expect(md).toContain(
        `| ${c.label} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} | ${c.support} |`,
      )
    const labels = m.confusionMatrix.labels
    expect(md).toContain(`| truth \\\\ predicted | ${labels.join(' | ')} |`)
  })

  it('html: self-contained page with an SVG heatmap of the confusion matrix and per-class bars', () => {
    const html = readFileSync(path.join(dir, 'eval.html'), 'utf8')
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i)
    // the only URL is the SVG namespace
    expect(
      [...html.matchAll(/https?:\/\/[^"\s]+/g)].map((x) => x[0]).filter((u) => u !== 'http://www.w3.org/2000/svg'),
    ).toEqual([])
    // heatmap, per-class bars, reliability diagram
    expect(html.match(/<svg /g)!.length).toBe(3)
    expect(html).toContain('aria-label="Reliability diagram"')
    const filled = base.doc.metrics.calibration!.bins.filter((b) => b.samples > 0)
    for (const b of filled)
      expect(html).toContain(
        `${b.samples} samples, accuracy ${b.accuracy.toFixed(3)}, mean confidence ${b.confidence.toFixed(3)}`,
      )
    const counts = base.doc.metrics.confusionMatrix.counts
    const labels = base.doc.metrics.confusionMatrix.labels
    // each cell carries a tooltip with its count
    counts.forEach((row, i) =>
      row.forEach((n, j) => expect(html).toContain(`<title>${labels[i]} → ${labels[j]}: ${n} (`)),
    )
    for (const c of base.doc.metrics.perClass) expect(html).toContain(`${c.label} recall ${c.recall.toFixed(3)}`)
  })

  it('png: the heatmap rasterised with sharp', async () => {
    const png = path.join(dir, 'cm.png')
    const run = runCli(['report', base.file, '--output', png])
    expect(run.status).toBe(0)
    const meta = await sharp(png).metadata()
    expect(meta.format).toBe('png')
    const k = base.doc.metrics.confusionMatrix.labels.length
    expect(meta.width).toBeGreaterThan(k * 64)
    // not a blank image: the darkest (diagonal) cells and white background both occur
    const stats = await sharp(png).stats()
    expect(stats.channels[0]!.min).toBeLessThan(40)
    expect(stats.channels[0]!.max).toBe(255)
  })

  it('report command: markdown to stdout, junit refused for an eval document, png needs a file', () => {
    const md = runCli(['report', base.file, '--format', 'markdown'])
    expect(md.status).toBe(0)
    expect(md.stdout).toMatch(/^## ferbench eval: oracle\.onnx on fer2013 PrivateTest/)
    const junit = runCli(['report', base.file, '--format', 'junit'])
    expect(junit.status).toBe(2)
    expect(junit.stderr).toMatch(/gate check/)
    expect(runCli(['report', base.file, '--format', 'png']).status).toBe(2)
    expect(runCli(['report', path.join(dir, 'missing.json')]).status).toBe(3)
  })
})
