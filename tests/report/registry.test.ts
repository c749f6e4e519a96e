import { describe, expect, it } from 'vitest'
import Export from '../../src/commands/export.js'
import { formatFlag } from '../../src/cli/flags/output.js'
import { formatsOf, RENDERERS, render } from '../../src/report/registry.js'
import { formatFor, REPORT_FORMATS, reportFormats } from '../../src/report/render.js'
import type { SubjectKind } from '../../src/report/renderer.js'

describe('the renderer registry (src/report/registry.ts)', () => {
  it('answers which formats each document has, in one order', () => {
    const expected: Record<SubjectKind, string[]> = {
      eval: ['table', 'json', 'markdown', 'html', 'png'],
      cv: ['table', 'json', 'markdown', 'html', 'png'],
      compare: ['table', 'json', 'markdown'],
      gate: ['table', 'json', 'markdown', 'junit', 'html'],
      robust: ['table', 'json', 'markdown', 'html', 'png'],
      leaderboard: ['table', 'json', 'html', 'png'],
      trend: ['table', 'html', 'png'],
      predictions: ['csv'],
      export: ['bmf', 'github-action-benchmark', 'junit', 'csv'],
    }
    for (const [kind, formats] of Object.entries(expected))
      expect(formatsOf(kind as SubjectKind), kind).toEqual(formats)
  })

  it('report, --report and --format offer what the report documents have; export offers its four', () => {
    expect(REPORT_FORMATS).toEqual(['table', 'json', 'markdown', 'junit', 'html', 'png'])
    expect(formatFlag().options).toEqual(REPORT_FORMATS)
    expect(Export.flags.format.options).toEqual(['bmf', 'github-action-benchmark', 'junit', 'csv'])
  })

  it("a report file's extension picks its renderer among the report formats only", () => {
    const byExtension = (file: string) => formatFor(undefined, file)
    expect(['r.md', 'r.markdown', 'r.xml', 'r.html', 'r.htm', 'r.png', 'r.json', 'r.txt'].map(byExtension)).toEqual([
      'markdown',
      'markdown',
      'junit',
      'html',
      'html',
      'png',
      'json',
      'table',
    ])
    // csv and svg are registered, but no report document is written in them: their extensions stay unknown here
    for (const file of ['r.csv', 'r.svg'])
      expect(() => byExtension(file)).toThrow(
        `${file}: cannot tell the report format from the extension; give --format (table, json, markdown, junit, html, png)`,
      )
    expect(() => reportFormats('eval', 'svg', ['r.svg'])).toThrow('--format svg: expected one of')
  })

  it('every renderer has a unique name, an extension, its escaping and at least one document kind', () => {
    expect(new Set(RENDERERS.map((r) => r.name)).size).toBe(RENDERERS.length)
    for (const r of RENDERERS) {
      expect(r.extensions.length, r.name).toBeGreaterThan(0)
      expect(
        r.extensions.every((e) => /^\.[a-z]+$/.test(e)),
        r.name,
      ).toBe(true)
      expect(Object.keys(r.views).length, r.name).toBeGreaterThan(0)
    }
    expect(RENDERERS.filter((r) => !r.offered).map((r) => r.name)).toEqual(['svg'])
    expect(RENDERERS.filter((r) => r.escaping === 'binary').map((r) => r.name)).toEqual(['png'])
  })

  it('a format a document does not have is a usage error naming the ones it has', async () => {
    await expect(render({ kind: 'predictions', result: [] }, 'html')).rejects.toThrow(
      'html is not available for predictions; choose one of csv',
    )
    await expect(render({ kind: 'predictions', result: [] }, 'csv')).resolves.toBe(
      'id,truth,predicted,correct,top1,top1_score,top2,top2_score,top3,top3_score\n',
    )
  })
})
