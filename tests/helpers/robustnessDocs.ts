import { spawn } from 'node:child_process'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { BIN, runCli, type CliOptions, type CliRun } from './cli.js'

/** The document without its timing fields (createdAt and timing.*), the only parts allowed to differ between equal runs. */
export function withoutTiming(doc: EvalResult): Omit<EvalResult, 'createdAt' | 'timing'> {
  const { createdAt: _c, timing: _t, ...rest } = doc
  return rest
}

/**
 * Like runCli (in process, or a child process where runCli spawns), as a promise for table rows
 * written with it.concurrent; in process the rows run one after another.
 */
export async function runCliAsync(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return runCli(args, options)
}

/**
 * Runs the CLI slowed down by the test hook (FERBENCH_DEBUG_SAMPLE_DELAY_MS) and sends `signal`
 * once it reports its first settled batch, i.e. after partial progress.
 */
export function runAndInterrupt(
  args: string[],
  signal: NodeJS.Signals,
  cwd?: string,
): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', FERBENCH_DEBUG_SAMPLE_DELAY_MS: '60' },
    })
    let stderr = ''
    let stdout = ''
    let sent = false
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (!sent && /ferbench debug: \d+ samples settled/.test(stderr)) {
        sent = true
        child.kill(signal)
      }
    })
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stderr, stdout }))
  })
}
