import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { relativeImports, ROOT, SRC, sourceFiles } from './imports.js'

// The tiers are written once, in the README's Architecture table; this test reads them there.

/** folder → tier, in the README's order. */
function declaredTiers(): Map<string, number> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('<!-- layers:')
  expect(start, 'README.md has no <!-- layers: --> marker').toBeGreaterThan(0)
  const rows = readme.slice(start).split('\n').slice(1)
  const tiers = new Map<string, number>()
  for (const row of rows) {
    if (!row.startsWith('|')) break
    const m = /^\|\s*(\d+)\s*\|\s*`([a-z]+)`\s*\|/.exec(row)
    if (m) {
      expect(tiers.has(m[2]!), `README lists ${m[2]} twice`).toBe(false)
      tiers.set(m[2]!, Number(m[1]))
    }
  }
  return tiers
}

interface Edge {
  from: string
  to: string
  file: string
  target: string
}

function folderEdges(): Edge[] {
  const edges: Edge[] = []
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0]!
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec)
      const rel = path.relative(SRC, target)
      const to = rel.startsWith('..') ? `outside src (${path.relative(ROOT, target)})` : rel.split(path.sep)[0]!
      if (to !== from) edges.push({ from, to, file: path.relative(ROOT, file), target: path.relative(ROOT, target) })
    }
  }
  return edges
}

describe('architecture: one layer per folder, on the tiers of the README table', () => {
  const tiers = declaredTiers()
  const edges = folderEdges()

  it('the import scanner sees static, type-only, re-export and dynamic imports', () => {
    const text = [
      "import { a } from './a.js'",
      "import type { B } from '../b/b.js'",
      "export { c } from '../c/c.js'",
      "const d = await import('../d/d.js')",
      "import '../e/side.js'",
      "import x from 'node:fs'",
    ].join('\n')
    expect(new Set(relativeImports(text))).toEqual(
      new Set(['./a.js', '../b/b.js', '../c/c.js', '../d/d.js', '../e/side.js']),
    )
    expect(edges.some((e) => e.from === 'commands' && e.to === 'engine')).toBe(true)
  })

  it('the README lists every folder of src/ exactly once', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'types')
      .map((e) => e.name)
      .sort()
    expect([...tiers.keys()].sort()).toEqual(folders)
  })

  it('the table lists the tiers in order, from 0', () => {
    const listed = [...tiers.values()]
    expect(listed[0]).toBe(0)
    for (let i = 1; i < listed.length; i++) expect(listed[i]! - listed[i - 1]!).toBeOneOf([0, 1])
  })

  it('no file imports a folder on its own tier or a higher one, or anything outside src/', () => {
    const upward = edges
      .filter((e) => !tiers.has(e.to) || tiers.get(e.to)! >= tiers.get(e.from)!)
      .map(
        (e) =>
          `${e.file} imports ${e.target} (${e.from} is on tier ${tiers.get(e.from)}, ${e.to} ${tiers.has(e.to) ? `on tier ${tiers.get(e.to)}` : 'is not a layer'})`,
      )
    expect(upward).toEqual([])
  })

  it("each folder's tier is the one its imports give it: one above the highest tier it imports (0 if none)", () => {
    const wrong: string[] = []
    for (const [folder, tier] of tiers) {
      const imported = edges.filter((e) => e.from === folder && tiers.has(e.to)).map((e) => tiers.get(e.to)!)
      const actual = imported.length === 0 ? 0 : Math.max(...imported) + 1
      if (actual !== tier) wrong.push(`${folder}: README says tier ${tier}, its imports put it on tier ${actual}`)
    }
    expect(wrong).toEqual([])
  })

  it('no two folders import each other', () => {
    const pairs = new Set(edges.map((e) => `${e.from}>${e.to}`))
    const both = [...pairs].filter((p) => pairs.has(p.split('>').reverse().join('>')))
    expect(both).toEqual([])
    // What the README states: every folder pair with an import is one-way.
    expect(pairs.size).toBeGreaterThan(tiers.size)
  })
})
