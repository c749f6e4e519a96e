import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { relativeImports, ROOT, SRC, sourceFiles } from './imports.js'

/** file → the src files it imports (static, type-only, re-export or dynamic), as paths relative to the repository. */
type Graph = ReadonlyMap<string, readonly string[]>

function importGraph(files: ReadonlyMap<string, string>): Graph {
  const graph = new Map<string, string[]>()
  for (const [file, text] of files) {
    const targets = relativeImports(text).map((spec) =>
      path.join(path.dirname(file), spec.replace(/\.js$/, '.ts')).split(path.sep).join('/'),
    )
    graph.set(
      file,
      targets.filter((t) => files.has(t)),
    )
  }
  return graph
}

/**
 * Every import cycle, each as the files on it in import order with the first repeated at the end:
 * a depth-first walk from each file that reports each edge leading back to a file on the current path.
 * Each cycle is reported once, starting from its alphabetically first file.
 */
function importCycles(graph: Graph): string[][] {
  const cycles = new Map<string, string[]>()
  const done = new Set<string>()
  const onPath: string[] = []
  const visit = (file: string): void => {
    onPath.push(file)
    for (const next of graph.get(file) ?? []) {
      const at = onPath.indexOf(next)
      if (at >= 0) {
        const loop = onPath.slice(at)
        const start = loop.indexOf([...loop].sort()[0]!)
        const rotated = [...loop.slice(start), ...loop.slice(0, start)]
        cycles.set(rotated.join(' → '), [...rotated, rotated[0]!])
      } else if (!done.has(next)) visit(next)
    }
    onPath.pop()
    done.add(file)
  }
  for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file)
  return [...cycles.values()]
}

const srcTexts = (): Map<string, string> =>
  new Map(
    sourceFiles(SRC).map((file) => [path.relative(ROOT, file).split(path.sep).join('/'), readFileSync(file, 'utf8')]),
  )

describe('architecture: no import cycle between files of src/', () => {
  it('the walk finds a circle made of a type-only import one way and a dynamic import the other, and a longer one', () => {
    // The shape src/report had before the renderer registry: render.ts imports html.ts when it renders,
    // html.ts imports a type from render.ts; robustViews.ts → html.ts → render.ts → robustViews.ts.
    const files = new Map([
      ['src/report/render.ts', "const html = await import('./html.js')\nconst v = await import('./robustViews.js')"],
      ['src/report/html.ts', "import type { EvalView } from './render.js'\nimport { esc } from './escape.js'"],
      ['src/report/robustViews.ts', "import { page } from './html.js'"],
      ['src/report/escape.ts', "import path from 'node:path'"],
      ['src/report/table.ts', "import { esc } from './escape.js'"],
    ])
    expect(importCycles(importGraph(files))).toEqual([
      ['src/report/html.ts', 'src/report/render.ts', 'src/report/html.ts'],
      ['src/report/html.ts', 'src/report/render.ts', 'src/report/robustViews.ts', 'src/report/html.ts'],
    ])
    // without the type import back, no cycle is left
    files.set('src/report/html.ts', "import { esc } from './escape.js'")
    expect(importCycles(importGraph(files))).toEqual([])
  })

  it('src/ has none', () => {
    const graph = importGraph(srcTexts())
    expect(graph.size).toBeGreaterThan(100)
    expect([...graph.values()].reduce((n, targets) => n + targets.length, 0)).toBeGreaterThan(graph.size)
    expect(importCycles(graph).map((c) => c.join(' → '))).toEqual([])
  })
})
