import type { EvalResult } from '../../src/report/evalResult.js'
import { runCli, type CliOptions, type CliRun } from '../helpers/cli.js'

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
