import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../../src/base/exitCodes.js'
import { ROOT } from '../helpers/cli.js'

/** README.md and every docs/*.md, as [path relative to the repo, text]. */
function userDocs(): Array<[string, string]> {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f))
  return ['README.md', ...docs].map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')])
}

/** GitHub's anchor for a heading: lower case, punctuation other than - and _ dropped, spaces → -. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  let fenced = false
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const m = !fenced && /^#{1,6} (.*)$/.exec(line)
    if (!m) continue
    const base = anchor(m[1]!)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

describe('user docs stand alone', () => {
  it('README and docs/ cite no file outside the repository', () => {
    for (const [file, text] of userDocs()) {
      expect(text, file).not.toMatch(/FORMATS\.md|CLAIMS\.md|DESIGN\.md|\.\.\/shared/)
    }
  })

  it('every relative link points at a file and heading that exist', () => {
    const broken: string[] = []
    for (const [file, text] of userDocs()) {
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!
        if (/^[a-z]+:/i.test(target)) continue
        const [rel, hash] = target.split('#') as [string, string | undefined]
        const dest = rel === '' ? file : path.join(path.dirname(file), rel)
        if (!existsSync(path.join(ROOT, dest))) {
          broken.push(`${file}: ${target} (no file ${dest})`)
          continue
        }
        if (hash && dest.endsWith('.md') && !anchorsOf(readFileSync(path.join(ROOT, dest), 'utf8')).has(hash)) {
          broken.push(`${file}: ${target} (no heading #${hash} in ${dest})`)
        }
      }
    }
    expect(broken).toEqual([])
  })

  it("the README's exit-code table says what src/base/exitCodes.ts says", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const rows = Object.values(EXIT_CODES).map((e) => `| ${e.code} | ${e.meaning} |`)
    const table = ['| code | meaning |', '| --- | --- |', ...rows].join('\n')
    expect(readme).toContain(table)
  })
})
