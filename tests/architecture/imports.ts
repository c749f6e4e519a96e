import { readdirSync } from 'node:fs'
import path from 'node:path'

/** The repository root and its src/ folder, for the architecture tests. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..')
export const SRC = path.join(ROOT, 'src')

/** Every TypeScript source file under `dir` (declaration files left out). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
}

/** Every relative module specifier in a file: static imports and re-exports (type-only included) and dynamic import(). */
export function relativeImports(text: string): string[] {
  const specs: string[] = []
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm
  for (const m of text.matchAll(pattern)) specs.push((m[1] ?? m[2] ?? m[3])!)
  return specs
}
