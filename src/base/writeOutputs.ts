import { FerbenchError } from './errors.js'

/**
 * Runs output writes in the order given (the main result first, side outputs after), going on
 * past a failed one so that one bad path loses nothing else; afterwards every failure is named in
 * one error with the output exit code (10). Steps that are `undefined` or `false` are skipped.
 */
export async function writeOutputs(steps: ReadonlyArray<(() => unknown) | undefined | false>): Promise<void> {
  const failed: FerbenchError[] = []
  for (const step of steps) {
    if (!step) continue
    try {
      await step()
    } catch (error) {
      if (!(error instanceof FerbenchError) || error.kind !== 'output') throw error
      failed.push(error)
    }
  }
  if (failed.length === 1) throw failed[0]!
  if (failed.length > 1)
    throw new FerbenchError(
      'output',
      `${failed.length} output files could not be written: ${failed.map((e) => e.message).join('; ')}`,
    )
}
