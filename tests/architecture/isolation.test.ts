import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ISOLATED } from '../isolated.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

/** What makes a test file unfit to share its worker process with other files (tests/vitest.config.ts). */
const PROCESS_WIDE: Array<[string, RegExp]> = [
  [
    'mocks or spies on a module (vi.mock, vi.spyOn, vi.stub…, fake timers)',
    /\bvi\.(mock|doMock|spyOn|stubEnv|stubGlobal|useFakeTimers)\(/,
  ],
  ['sets or deletes an environment variable', /(\bdelete process\.env\b|\bprocess\.env(\.\w+|\[[^\]]+\])\s*=[^=])/],
  ['listens on process events', /\bprocess\.(on|once|addListener|prependListener)\(/],
  ['changes the process umask, title or exit code', /\bprocess\.(umask\(|title\s*=[^=]|exitCode\s*=[^=])/],
  ['changes the working folder itself (runCli with a cwd restores it)', /\bprocess\.chdir\(/],
  ['patches a global', /\b(globalThis\.\w+|Math\.random|Date\.now|process\.(stdout|stderr)\.write)\s*=[^=]/],
]

/** A glob of tests/isolated.ts as a regular expression: `**` spans folders, `*` stays in one. */
function globRegExp(glob: string): RegExp {
  const body = glob
    .split('**/')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('(?:[^/]+/)*')
  return new RegExp(`^${body}$`)
}

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
  )
}

const isolated = (file: string): boolean => ISOLATED.some((glob) => globRegExp(glob).test(file))
const reasons = (text: string): string[] => PROCESS_WIDE.filter(([, re]) => re.test(text)).map(([why]) => why)

describe('test files that set process-wide state run in a process of their own (tests/isolated.ts)', () => {
  it('every such file is listed', () => {
    const files = testFiles('tests')
    expect(files.length).toBeGreaterThan(100)
    const unlisted = files
      // this file's own examples below are text, not code
      .filter((file) => !isolated(file) && file !== path.join('tests', 'architecture', 'isolation.test.ts'))
      .flatMap((file) => reasons(readFileSync(path.join(ROOT, file), 'utf8')).map((why) => `${file}: ${why}`))
    expect(unlisted).toEqual([])
    // the listed ones are found by the patterns (the patterns are not blind)
    for (const file of ['tests/cli/unreadable.test.ts', 'tests/doctor/doctor.test.ts', 'tests/zoo/pull.test.ts'])
      expect(reasons(readFileSync(path.join(ROOT, file), 'utf8')), file).not.toEqual([])
  })

  it('the globs match as vitest matches them, and the patterns catch each kind', () => {
    expect(isolated('tests/cli/interrupt.e2e.test.ts')).toBe(true)
    expect(isolated('tests/install/quietInstall.test.ts')).toBe(true)
    expect(isolated('tests/cli/badInput.test.ts')).toBe(false)
    expect(isolated('tests/cli/unreadable.test.tsx')).toBe(false)
    expect(reasons("vi.mock('node:fs', () => ({}))")).toHaveLength(1)
    expect(reasons('process.env.HTTP_PROXY = url')).toHaveLength(1)
    expect(reasons("process.env['NO_PROXY'] = x")).toHaveLength(1)
    expect(reasons('delete process.env.NO_PROXY')).toHaveLength(1)
    expect(reasons("process.on('SIGINT', stop)")).toHaveLength(1)
    expect(reasons('process.exitCode = 3')).toHaveLength(1)
    expect(reasons('process.chdir(dir)')).toHaveLength(1)
    expect(reasons('Math.random = () => 0')).toHaveLength(1)
    // reading is fine
    expect(reasons('if (process.env.CI === "true") process.exitCode === 0')).toEqual([])
  })
})
