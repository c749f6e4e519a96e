import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { escapeMarkdownText, escapeXml, terminalText } from '../../src/report/escape.js'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { predictionsCsv } from '../../src/report/predictionsCsv.js'
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js'
import { FER2013_ORDER, readFixtureCsv } from '../helpers/oracle.js'
import { grayPng } from '../helpers/builders.js'

const CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const privateRows = readFixtureCsv(CSV).filter((r) => r.usage === 'PrivateTest')

const ESC_NAME = 'img/esc\u001b]0;pwned\u0007.png'
const COMMENT_NAME = 'img/<!--hide.png'
const FORMULA_NAMES = ['=1+1.png', '+cmd.png', '-2.png', '@SUM(A1).png']

/** A manifest whose good images have formula-like names and whose missing ones have an escape sequence and `<!--` in their names. */
function hostileManifest(dir: string): string {
  mkdirSync(path.join(dir, 'img'))
  const lines = ['path,label']
  FORMULA_NAMES.forEach((name, i) => {
    const r = privateRows[i]!
    writeFileSync(path.join(dir, name), grayPng(48, 48, Uint8Array.from(r.pixels)))
    lines.push(`"${name}",${FER2013_ORDER[r.emotion]}`)
  })
  lines.push(`"${ESC_NAME}",happiness`, `"${COMMENT_NAME}",sadness`)
  const manifest = path.join(dir, 'manifest.csv')
  writeFileSync(manifest, `${lines.join('\n')}\n`)
  return manifest
}

describe('hostile names in what ferbench writes and prints', () => {
  const dir = tempDir('ferbench-escape-')
  const manifest = hostileManifest(dir)
  const out = path.join(dir, 'result.json')
  const predictions = path.join(dir, 'p.csv')
  const report = path.join(dir, 'report.md')
  const run = runCli([
    'eval',
    '--model',
    ORACLE,
    '--dataset',
    'manifest',
    '--data',
    manifest,
    '--output',
    out,
    '--predictions',
    predictions,
    '--report',
    report,
  ])

  it('the run scores the good images and lists the two missing ones (exit 7)', () => {
    expect(run.status, run.stderr).toBe(7)
    const doc = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(doc.dataset.samples).toBe(FORMULA_NAMES.length)
    expect(doc.failures.map((f) => f.id).sort()).toEqual([ESC_NAME, COMMENT_NAME].sort())
  })

  it('predictions CSV: ids starting with = + - @ get a leading quote (spreadsheet formula injection)', () => {
    const lines = readFileSync(predictions, 'utf8').trim().split('\n').slice(1)
    const ids = lines.map((l) => (l.startsWith('"') ? l.slice(1, l.indexOf('",')) : l.slice(0, l.indexOf(','))))
    expect(ids.sort()).toEqual(FORMULA_NAMES.map((n) => `'${n}`).sort())
    for (const l of lines) expect(l).not.toMatch(/(^|,)[=+\-@]/)
  })

  it('terminal output: the escape sequence in a file name is shown as \\x1B…, never sent to the terminal', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not reach the output
    expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/)
    expect(run.stdout).toContain('esc\\x1B]0;pwned\\x07.png')
  })

  it('markdown report: `<!--` in a failure is escaped, so it cannot hide the rest of a job summary', () => {
    const md = readFileSync(report, 'utf8')
    expect(md).not.toContain('<!--')
    expect(md).toContain('\\<\\!--hide.png')
    expect(md).toContain('esc\\\\x1B\\]0;pwned\\\\x07.png') // renders as esc\x1B]0;pwned\x07.png
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not reach the output
    expect(md).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/)
  })

  it('markdown report: one Warnings section, each warning escaped', () => {
    const doc = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    doc.warnings = ['first <!-- one', 'second *two*']
    const tampered = path.join(dir, 'warned.json')
    writeFileSync(tampered, JSON.stringify(doc))
    const r = runCli(['report', tampered, '--format', 'markdown'])
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines.filter((l) => l === '### Warnings')).toHaveLength(1)
    expect(lines.filter((l) => l.startsWith('- first') || l.startsWith('- second'))).toEqual([
      '- first \\<\\!-- one',
      '- second \\*two\\*',
    ])
  })

  it('PNG report of a document with a control character in a field: rendered (exit 0), the character shown escaped', () => {
    const doc = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    doc.dataset.split = 'Private\u0001Test\u001b[2J'
    const tampered = path.join(dir, 'odd.json')
    writeFileSync(tampered, JSON.stringify(doc))
    const png = path.join(dir, 'confusion.png')
    const r = runCli(['report', tampered, '--output', png])
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG')
    const html = path.join(dir, 'report.html')
    expect(runCli(['report', tampered, '--output', html]).status).toBe(0)
    expect(readFileSync(html, 'utf8')).toContain('Private\\x01Test\\x1B[2J')
  })
})

describe('escape functions', () => {
  it('terminalText keeps only newline and tab, and colour codes when asked', () => {
    expect(terminalText('a\u001b]0;t\u0007b\r\u009b\u202Ec\n\t', false)).toBe('a\\x1B]0;t\\x07b\\x0D\\x9B\\u202Ec\n\t')
    expect(terminalText('\u001b[31mred\u001b[39m \u001b[2J', true)).toBe('\u001b[31mred\u001b[39m \\x1B[2J')
  })

  it('escapeXml replaces characters XML 1.0 forbids', () => {
    expect(escapeXml('a\u0001<b>&\u001b')).toBe('a\\x01&lt;b&gt;&amp;\\x1B')
  })

  it('escapeMarkdownText neutralises HTML, links, code and table syntax', () => {
    expect(escapeMarkdownText('<!-- x --> [l](u) `c` a|b *e* &amp;\nnext')).toBe(
      '\\<\\!-- x --\\> \\[l\\](u) \\`c\\` a\\|b \\*e\\* \\&amp; next',
    )
  })

  it('predictionsCsv: formula prefixes on text cells only; scores stay numbers', () => {
    const csv = predictionsCsv([
      { id: '=HYPERLINK("http://x")', truth: 'anger', predicted: 'fear', top: [{ label: 'fear', score: -1.5 }] },
    ])
    expect(csv.split('\n')[1]).toBe(`"'=HYPERLINK(""http://x"")",anger,fear,0,fear,-1.5,,,,`)
  })
})
