import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatFor, reportFormats } from '../../src/report/render.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'

describe('--format and the file extension', () => {
  it('agree, or the extension decides, or --format names a file with no known extension', () => {
    expect(formatFor('markdown', 'r.md')).toBe('markdown')
    expect(formatFor(undefined, 'r.html')).toBe('html')
    expect(formatFor('json', 'r.out')).toBe('json')
    expect(formatFor('markdown', undefined)).toBe('markdown')
  })

  it('disagreeing is a usage error naming both', () => {
    expect(() => formatFor('markdown', 'flip.html')).toThrow(
      '--format markdown but flip.html is named as html (.html): drop --format and let the extension choose, or name the file for markdown',
    )
  })

  it('every file is checked against the document kind before any is written', () => {
    expect(() => reportFormats('compare', undefined, ['c.md', 'c.html'])).toThrow(
      'c.html: html is not available for a compare result; choose one of table, json, markdown',
    )
    expect(reportFormats('gate', undefined, ['g.md', 'g.xml', 'g.html'])).toEqual(['markdown', 'junit', 'html'])
  })
})

describe('on the command line: nothing is written when one output is refused', () => {
  const oracle = path.join(FIXTURES, 'models', 'oracle.onnx')
  const csv = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

  it('eval --format markdown --report flip.html: exit 2 before the run, no file', () => {
    const dir = tempDir()
    const out = path.join(dir, 'flip.html')
    const run = runCli([
      'eval',
      '--model',
      oracle,
      '--data',
      csv,
      '--format',
      'markdown',
      '--report',
      out,
      '--output',
      path.join(dir, 'r.json'),
    ])
    expect(run.status, run.stderr).toBe(2)
    expect(run.stderr).toContain(`--format markdown but ${out} is named as html`)
    expect(existsSync(out) || existsSync(path.join(dir, 'r.json'))).toBe(false)
  })

  it('compare --output c.md --output c.html: exit 2, c.md not written', () => {
    const dir = tempDir()
    const result = path.join(dir, 'r.json')
    expect(runCli(['eval', '--model', oracle, '--data', csv, '--output', result]).status).toBe(0)
    const run = runCli([
      'compare',
      result,
      result,
      '--output',
      path.join(dir, 'c.md'),
      '--output',
      path.join(dir, 'c.html'),
    ])
    expect(run.status, run.stderr).toBe(2)
    expect(run.stderr).toContain('c.html: html is not available for a compare result')
    expect(existsSync(path.join(dir, 'c.md'))).toBe(false)
  })
})
