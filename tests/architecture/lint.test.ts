import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'

// The linter rules are in biome.json; this test copies that linter section into a project of its
// own (a temp dir, so no probe file ever sits in the repository) and checks that each defect the
// README's development section names is reported, on the line where it was planted.
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const BIOME = path.join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome')
const KNIP = path.join(ROOT, 'node_modules', 'knip', 'bin', 'knip.js')

interface Diagnostic {
  category: string
  severity: string
  location: { path: string; start: { line: number } }
}

/** Each probe: a file that breaks one rule, the rule, and the 1-based line it must be reported on. */
const PROBES: { rule: string; file: string; line: number; text: string }[] = [
  {
    rule: 'lint/suspicious/noExplicitAny',
    file: 'any.ts',
    line: 1,
    text: 'export function f(x: any): number {\n  return Number(x)\n}\n',
  },
  {
    rule: 'lint/nursery/noFloatingPromises',
    file: 'floating.ts',
    line: 3,
    text: "import { later } from './lib.js'\nexport function f(): void {\n  later()\n}\n",
  },
  {
    rule: 'lint/nursery/noMisusedPromises',
    file: 'misused.ts',
    line: 3,
    text: "import { later } from './lib.js'\nexport function f(): number {\n  if (later()) return 1\n  return 0\n}\n",
  },
  {
    rule: 'lint/correctness/noUnusedImports',
    file: 'unusedImport.ts',
    line: 1,
    text: "import { later } from './lib.js'\nexport const n = 1\n",
  },
  {
    rule: 'lint/correctness/noUnusedVariables',
    file: 'unusedVariable.ts',
    line: 2,
    text: 'export function f(): number {\n  const left = 2\n  return 1\n}\n',
  },
  // The project's own plugin (biome.json plugins, tools/lint/textKeyedObjects.grit): plain objects keyed by text.
  {
    rule: 'plugin',
    file: 'recordAccumulator.ts',
    line: 2,
    text: 'export function count(names: string[]): Record<string, number> {\n  const out: Record<string, number> = {}\n  for (const n of names) out[n] = (out[n] ?? 0) + 1\n  return out\n}\n',
  },
  {
    rule: 'plugin',
    file: 'lookupTable.ts',
    line: 1,
    text: 'const CODES: Readonly<Record<string, number>> = { ne: 0, ha: 1 }\nexport const codeOf = (name: string): number | undefined => CODES[name]\n',
  },
  {
    rule: 'plugin',
    file: 'castRecord.ts',
    line: 1,
    text: 'export const empty = {} as Record<string, string>\n',
  },
  {
    rule: 'plugin',
    file: 'inCheck.ts',
    line: 2,
    text: "export function known(name: string, table: object): boolean {\n  return name in table\n}\nexport const hasError = (x: object): boolean => 'error' in x\n",
  },
  {
    rule: 'lint/suspicious/useIterableCallbackReturn',
    file: 'mapReturn.ts',
    line: 1,
    text: 'export const doubled = [1, 2].map((v) => {\n  v * 2\n})\n',
  },
]

const LIB = 'export async function later(): Promise<number> {\n  return 1\n}\n'
const CLEAN =
  "import { later } from './lib.js'\nexport async function f(): Promise<number> {\n  return await later()\n}\n"

function lint(project: string): Diagnostic[] {
  let out: string
  try {
    out = execFileSync(process.execPath, [BIOME, 'lint', '--reporter=json', '--max-diagnostics=100', '.'], {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '')
  }
  return (JSON.parse(out) as { diagnostics: Diagnostic[] }).diagnostics
}

describe('linter rules (biome.json)', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  function project(files: Record<string, string>): string {
    const dir = tempDir('ferbench-lint-')
    dirs.push(dir)
    const config = JSON.parse(readFileSync(path.join(ROOT, 'biome.json'), 'utf8')) as Record<string, unknown>
    const { $schema: _schema, files: _files, vcs: _vcs, plugins, ...rest } = config
    const absolute = (plugins as string[] | undefined)?.map((p) => path.resolve(ROOT, p))
    writeFileSync(
      path.join(dir, 'biome.json'),
      JSON.stringify({ ...rest, ...(absolute ? { plugins: absolute } : {}), files: { includes: ['src/**/*.ts'] } }),
    )
    mkdirSync(path.join(dir, 'src'))
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'src', name), text)
    return dir
  }

  it('reports each planted defect, as an error, on its line, and nothing else', () => {
    const files: Record<string, string> = { 'lib.ts': LIB }
    for (const p of PROBES) files[p.file] = p.text
    const found = lint(project(files))
      .filter((d) => d.category.startsWith('lint/') || d.category === 'plugin')
      .map((d) => `${path.basename(d.location.path)}:${d.location.start.line} ${d.category} ${d.severity}`)
      .sort()
    const want = PROBES.map((p) => `${p.file}:${p.line} ${p.rule} error`).sort()
    expect(found).toEqual(want)
  })

  it('reports nothing on code that awaits its promises and uses what it imports', () => {
    expect(lint(project({ 'lib.ts': LIB, 'clean.ts': CLEAN }))).toEqual([])
  })

  it('knip (the settings of knip.json) reports an export nobody imports and a file nobody reaches', () => {
    const dir = tempDir('ferbench-knip-')
    dirs.push(dir)
    const settings = JSON.parse(readFileSync(path.join(ROOT, 'knip.json'), 'utf8')) as Record<string, unknown>
    const own = {
      ignoreExportsUsedInFile: settings.ignoreExportsUsedInFile,
      entry: ['src/main.ts'],
      project: ['src/**/*.ts'],
    }
    writeFileSync(path.join(dir, 'knip.json'), JSON.stringify(own))
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'probe', type: 'module', private: true }))
    mkdirSync(path.join(dir, 'src'))
    writeFileSync(path.join(dir, 'src', 'main.ts'), "import { used } from './lib.js'\nconsole.log(used)\n")
    writeFileSync(path.join(dir, 'src', 'lib.ts'), 'export const used = 1\nexport const unused = 2\n')
    writeFileSync(path.join(dir, 'src', 'orphan.ts'), 'export const alone = 1\n')
    let status = 0
    let out = ''
    try {
      out = execFileSync(process.execPath, [KNIP, '--no-progress', '--reporter', 'json'], {
        cwd: dir,
        encoding: 'utf8',
      })
    } catch (error) {
      status = (error as { status: number }).status
      out = String((error as { stdout?: string }).stdout ?? '')
    }
    expect(status).toBe(1)
    const issues = (JSON.parse(out) as { issues: { file: string; exports: { name: string }[]; files: unknown[] }[] })
      .issues
    const found = issues.flatMap((i) => [
      ...i.exports.map((e) => `${i.file} export ${e.name}`),
      ...(i.files.length > 0 ? [`${i.file} file`] : []),
    ])
    expect(found.sort()).toEqual(['src/lib.ts export unused', 'src/orphan.ts file'])
  })

  it('npm test runs the linter, the type-check and vitest; it fails on warnings too and on unused exports', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts
    expect(scripts.lint).toBe('biome ci --error-on-warnings . && knip --no-progress')
    expect(scripts.test).toBe('node tools/ci/test.mjs')
    const runner = readFileSync(path.join(ROOT, 'tools', 'ci', 'test.mjs'), 'utf8')
    expect(runner).toContain("['npm', 'run', '--silent', 'lint']")
    expect(runner).toContain("[bin('tsc'), '-p', 'tests/tsconfig.json']")
    expect(runner).toContain("[bin('vitest'), 'run', '--config', 'tests/vitest.config.ts']")
  })

  it('npm test (tools/ci/test.mjs) fails when any phase fails, and says which, its output after vitest’s', () => {
    const node = (code: number, text: string): string[] => [
      process.execPath,
      '-e',
      `process.stdout.write(${JSON.stringify(text)}); process.exit(${code})`,
      '--', // what follows is the script's (npm test's arguments are passed on to vitest)
    ]
    const run = (phases: { lint: string[][]; typeCheck: string[][]; vitest: string[] }) =>
      spawnSync(process.execPath, [path.join(ROOT, 'tools', 'ci', 'test.mjs'), '--extra'], {
        encoding: 'utf8',
        env: { ...process.env, FERBENCH_TEST_PHASES: JSON.stringify(phases) },
      })
    const ok = node(0, '')
    const lintFails = run({
      lint: [ok, node(3, 'knip found an unused export\n')],
      typeCheck: [ok],
      vitest: node(0, 'VITEST\n'),
    })
    expect(lintFails.status).toBe(3)
    expect(lintFails.stdout).toMatch(
      /VITEST\n[\s\S]*── lint .*: FAILED \(exit 3\) ──\n[\s\S]*knip found an unused export/,
    )
    expect(lintFails.stdout).toMatch(/^FAILED {2}lint/m)
    expect(lintFails.stdout).toMatch(/^passed {2}vitest/m)
    const typeFails = run({ lint: [ok], typeCheck: [node(2, 'error TS2322\n')], vitest: node(0, '') })
    expect(typeFails.status).toBe(2)
    expect(typeFails.stdout).toMatch(/── type-check .*: FAILED \(exit 2\) ──\n[\s\S]*error TS2322/)
    // vitest gets npm test's arguments (`npm test -- tests/cli`)
    const vitestFails = run({
      lint: [ok],
      typeCheck: [ok],
      vitest: [process.execPath, '-e', 'process.exit(process.argv.includes("--extra") ? 1 : 9)', '--'],
    })
    expect(vitestFails.status).toBe(1)
    expect(vitestFails.stdout).toMatch(/^FAILED {2}vitest/m)
    const allPass = run({ lint: [ok], typeCheck: [ok], vitest: ok })
    expect(allPass.status).toBe(0)
    expect(allPass.stdout).not.toMatch(/FAILED/)
  })
})
