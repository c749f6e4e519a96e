import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = path.join(ROOT, 'fixtures')
export const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (dist/, made by `npm run build` / `npm ci`) as a user would. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Runs with --json and parses stdout; fails the test with stderr when stdout is not JSON. */
export function runJson<T>(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number | null; json: T; stderr: string } {
  const run = runCli([...args, '--json'], options)
  try {
    return { status: run.status, json: JSON.parse(run.stdout) as T, stderr: run.stderr }
  } catch {
    throw new Error(`stdout is not JSON (status ${run.status}):\n${run.stdout}\nstderr:\n${run.stderr}`)
  }
}

export function tempDir(prefix = 'ferbench-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}
