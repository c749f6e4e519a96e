import { dataError } from '../base/errors.js'
import { evalDocumentFrom } from '../results/readDocument.js'
import { ROBUST_SCHEMA, robustConditionsSchema, type RobustResult } from '../results/robustDocument.js'
import { flagsMarked, markedFields } from '../results/resumeMarks.js'
import { checkPartialResult } from '../engine/documentChecks.js'
import type { Resumable } from '../engine/evalSession.js'
import { PartialResultError } from '../engine/partialResult.js'
import { EVAL_FIXED_BY_RESUME, specFromStored, type EvalSpec } from '../engine/spec.js'
import { readRobustDocument } from './mergeRobust.js'
import type { RobustResumeFrom } from './robust.js'

/** Where an interrupted robust run writes its partial result when no --output is given (in the working directory). */
export const DEFAULT_ROBUST_PARTIAL_FILE = 'ferbench-robust.partial.json'

const EXPECTED = 'a partial result written by an interrupted `ferbench robust`'

function isRobustPartial(partial: unknown): partial is RobustResult {
  return typeof partial === 'object' && partial !== null && 'schema' in partial && partial.schema === ROBUST_SCHEMA
}

/** A robust run as the engine's session (src/engine/evalSession.ts) stops, keeps and resumes it; a partial result --output cannot take is an error. */
export const ROBUST_RUN: Resumable<RobustResult> = {
  command: 'robust',
  partialFile: DEFAULT_ROBUST_PARTIAL_FILE,
  fallBack: false,
  complete: (result) => result.complete !== false,
  partialOf: (error) =>
    error instanceof PartialResultError && isRobustPartial(error.partial) ? error.partial : undefined,
  settled: (partial, stoppedBy) =>
    `${(stoppedBy === 'error' ? partial.dataset.samples : partial.clean.samples) + partial.clean.failures} sample(s)`,
}

/** The robust flags that fix what is evaluated: eval's (EVAL_FIXED_BY_RESUME) and those of the conditions, from their marks. */
export const ROBUST_FIXED_BY_RESUME: readonly string[] = [
  ...EVAL_FIXED_BY_RESUME,
  ...flagsMarked(markedFields(robustConditionsSchema), 'fixed'),
]

/**
 * What `robust --resume <file>` runs: the spec, corruptions, severities and seed the partial result
 * stores, with `concurrency` the only setting taken from now, and the state to continue from. A
 * complete result, a missing or inconsistent resume part is a data error naming the file (exit 3).
 */
export function robustResumeFromPartial(
  file: string,
  concurrency: number,
): { spec: EvalSpec; document: RobustResult; resumeFrom: RobustResumeFrom } {
  const document = readRobustDocument(file, EXPECTED)
  if (document.complete !== false || !document.resume)
    throw dataError(
      `--resume ${file}: this result is complete (no complete:false, no resume part); there is nothing to resume`,
    )
  const clean = evalDocumentFrom(document.resume.clean, `${file} (resume.clean)`, EXPECTED)
  if (clean.complete)
    throw dataError(`${file}: resume.clean is a complete result; expected the clean pass's partial result`)
  checkPartialResult(clean, `${file} (resume.clean)`)
  const { digests } = document.resume
  if (digests.length !== document.results.length)
    throw dataError(
      `${file}: resume.digests has ${digests.length} entries for ${document.results.length} results; the document was changed after ferbench wrote it (or damaged): run again without --resume`,
    )
  const settled = clean.resume!.settled
  for (const r of [document.clean, ...document.results]) {
    if (r.samples + r.failures !== settled)
      throw dataError(
        `${file}: a result holds ${r.samples} scored and ${r.failures} failed samples but ${settled} were settled; the document was changed after ferbench wrote it (or damaged): run again without --resume`,
      )
  }
  return {
    spec: specFromStored(file, clean.resume!.options, concurrency),
    document,
    resumeFrom: {
      file,
      clean,
      tallies: document.results.map((r, i) => ({
        correct: r.correct,
        samples: r.samples,
        failures: r.failures,
        digest: digests[i]!,
      })),
    },
  }
}
