import { execFile } from 'node:child_process'
import type { EvalResult } from '../../src/report/evalResult.js'
import { BIN, ROOT, type CliRun } from '../helpers/cli.js'

/** The document without its timing fields (createdAt and timing.*), the only parts allowed to differ between equal runs. */
export function withoutTiming(doc: EvalResult): Omit<EvalResult, 'createdAt' | 'timing'> {
  const { createdAt: _c, timing: _t, ...rest } = doc
  return rest
}

/** Like runCli, but asynchronous, so table rows can run side by side (it.concurrent). */
export function runCliAsync(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? null : 0
        resolve({ status: code, stdout, stderr })
      },
    )
  })
}
