import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'

// The benchmarks (tools/bench/*.mjs) are plain JavaScript run against the built dist/ and
// tools/dist/, so tsc never sees them: this test resolves every module they import to its
// TypeScript source and checks that each imported name is exported there.
const BENCH = path.join(ROOT, 'tools', 'bench')

/** dist/x.js → src/x.ts; tools/dist/tools/x.js → tools/x.ts; a bench lib file stays as it is. */
function sourceOf(target: string): string {
  const rel = path.relative(ROOT, target)
  if (rel.startsWith(`dist${path.sep}`)) return path.join(ROOT, 'src', rel.slice(5).replace(/\.js$/, '.ts'))
  if (rel.startsWith(path.join('tools', 'dist', 'tools') + path.sep))
    return path.join(ROOT, 'tools', rel.slice(17).replace(/\.js$/, '.ts'))
  return target
}

function importsOf(file: string): Array<{ names: string[]; target: string }> {
  const text = readFileSync(file, 'utf8')
  const found: Array<{ names: string[]; target: string }> = []
  const names = (list: string) =>
    list
      .split(',')
      .map((n) =>
        n
          .trim()
          .split(/\s+as\s+|\s*:\s*/)[0]!
          .trim(),
      )
      .filter(Boolean)
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(\.[^']+)'/g))
    found.push({ names: names(m[1]!), target: path.resolve(path.dirname(file), m[2]!) })
  for (const m of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\s+import\(path\.join\(ROOT,\s*'([^']+)'\)\)/g))
    found.push({ names: names(m[1]!), target: path.join(ROOT, m[2]!) })
  for (const m of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\s+(dist|tools)\('([^']+)'\)/g)) {
    found.push({
      names: names(m[1]!),
      target: path.join(ROOT, ...(m[2] === 'dist' ? ['dist'] : ['tools', 'dist', 'tools']), m[3]!),
    })
  }
  return found
}

const exported = (source: string, name: string) =>
  new RegExp(
    `export\\s+(async\\s+)?(function\\*?|const|let|class|interface|type)\\s+${name}\\b|export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`,
  ).test(source)

describe('tools/bench: every imported name exists', () => {
  const files = readdirSync(BENCH, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs') && !f.startsWith('out'))
    .map((f) => path.join(BENCH, f))

  it('finds the benchmarks and their imports', () => {
    expect(files.length).toBeGreaterThan(10)
    expect(files.flatMap(importsOf).length).toBeGreaterThan(30)
  })

  it('each module a benchmark imports exists and exports the names it takes', () => {
    const problems: string[] = []
    for (const file of files) {
      for (const { names, target } of importsOf(file)) {
        const source = sourceOf(target)
        const where = `${path.relative(ROOT, file)} → ${path.relative(ROOT, target)}`
        if (!existsSync(source)) {
          problems.push(`${where}: no ${path.relative(ROOT, source)}`)
          continue
        }
        const text = readFileSync(source, 'utf8')
        for (const name of names) if (!exported(text, name)) problems.push(`${where}: ${name} is not exported`)
      }
    }
    expect(problems).toEqual([])
  })

  it('each script or module a benchmark names by a literal path under the root exists', () => {
    const missing: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/path\.join\(ROOT((?:,\s*'[^']+')+)\)/g)) {
        const parts = [...m[1]!.matchAll(/'([^']+)'/g)].map((p) => p[1]!)
        if (!/\.(mjs|js)$/.test(parts.at(-1)!)) continue
        const target = path.join(ROOT, ...parts)
        if (!existsSync(sourceOf(target))) missing.push(`${path.relative(ROOT, file)}: ${parts.join('/')}`)
      }
    }
    expect(missing).toEqual([])
  })
})
