import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// The layer order is written once, in the README's Architecture table; this test reads it there.
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const SRC = path.join(ROOT, 'src')

function declaredLayers(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('<!-- layers:')
  expect(start, 'README.md has no <!-- layers: --> marker').toBeGreaterThan(0)
  const rows = readme.slice(start).split('\n').slice(1)
  const layers: string[] = []
  for (const row of rows) {
    if (!row.startsWith('|')) break
    const m = /^\|\s*(\d+)\s*\|\s*`([a-z]+)`\s*\|/.exec(row)
    if (m) layers.push(m[2]!)
  }
  return layers
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
}

/** Every relative module specifier in a file: static imports and re-exports (type-only included) and dynamic import(). */
function relativeImports(text: string): string[] {
  const specs: string[] = []
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm
  for (const m of text.matchAll(pattern)) specs.push((m[1] ?? m[2] ?? m[3])!)
  return specs
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

describe('architecture: one layer per folder, imports point down the README list', () => {
  const layers = declaredLayers()
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
    expect(edges.some((e) => e.from === 'commands' && e.to === 'eval')).toBe(true)
  })

  it('the README lists every folder of src/ exactly once', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'types')
      .map((e) => e.name)
      .sort()
    expect([...layers].sort()).toEqual(folders)
    expect(new Set(layers).size).toBe(layers.length)
  })

  it('no file imports a folder listed after its own, or anything outside src/', () => {
    const rank = new Map(layers.map((name, i) => [name, i]))
    const upward = edges
      .filter((e) => !rank.has(e.to) || rank.get(e.to)! > rank.get(e.from)!)
      .map(
        (e) =>
          `${e.file} imports ${e.target} (${e.from} is layer ${rank.get(e.from)! + 1}, ${e.to} is ${rank.has(e.to) ? `layer ${rank.get(e.to)! + 1}` : 'not a layer'})`,
      )
    expect(upward).toEqual([])
  })

  it('no two folders import each other', () => {
    const pairs = new Set(edges.map((e) => `${e.from}>${e.to}`))
    const both = [...pairs].filter((p) => pairs.has(p.split('>').reverse().join('>')))
    expect(both).toEqual([])
    // What the README states: every folder pair with an import is one-way.
    expect(pairs.size).toBeGreaterThan(layers.length)
  })
})
