import { z } from 'zod'
import { EVAL_SCHEMA, evalDocumentSchema, type EvalResult } from '../results/evalDocument.js'
import { parseDocument } from '../results/readDocument.js'
import { cvDocumentSchema, type CvResumePoint } from '../results/cvDocument.js'
import { storedSpecSchema } from '../results/storedSpec.js'
import type { CvRun } from './crossValidate.js'
import { checkEvalDocument, checkPartialResult } from './documentChecks.js'
import { dataError } from '../base/errors.js'
import { specFromStored, type EvalSpec } from './spec.js'

/** The parts of a partial all-fold (ferbench/cv@1, complete:false) document that --resume reads. */
const cvPartialSchema = z.looseObject({
  schema: z.literal('ferbench/cv@1'),
  complete: z.literal(false),
  timing: z.looseObject({ wallSeconds: z.number().nonnegative() }),
  resume: z.object({
    signal: z.string(),
    options: storedSpecSchema,
    folds: z.array(z.unknown()),
    current: z.unknown().optional(),
  }),
})

/**
 * Reads a partial all-fold result for --resume: its resume section by schema, each finished
 * fold as a complete eval document and the fold in progress as a partial one, all validated and
 * checked like any document ferbench reads back (exit 3 naming the file and field).
 */
export function readCvPartial(file: string, raw: unknown): { point: CvResumePoint; wallSeconds: number } {
  parseDocument(raw, cvDocumentSchema, file, 'ferbench/cv@1') // the document as a whole, by its own schema
  const doc = parseDocument(raw, cvPartialSchema, file, 'partial ferbench/cv@1')
  const evalDoc = (value: unknown, field: string): EvalResult => {
    if (typeof value !== 'object' || value === null || (value as { schema?: unknown }).schema !== EVAL_SCHEMA)
      throw dataError(`${file}: ${field} is not a ${EVAL_SCHEMA} document`)
    return parseDocument(value, evalDocumentSchema, `${file} ${field}`, EVAL_SCHEMA)
  }
  const folds = doc.resume.folds.map((value, i) => {
    const fold = evalDoc(value, `resume.folds.${i}`)
    if (!fold.complete) throw dataError(`${file}: resume.folds.${i} is not complete (complete:false)`)
    checkEvalDocument(fold, `${file} resume.folds.${i}`)
    return fold
  })
  let current: EvalResult | undefined
  if (doc.resume.current !== undefined) {
    current = evalDoc(doc.resume.current, 'resume.current')
    if (current.complete)
      throw dataError(
        `${file}: resume.current is complete (complete:true); expected the partial result of the fold in progress`,
      )
    checkPartialResult(current, `${file} resume.current`)
  }
  const point: CvResumePoint = {
    signal: doc.resume.signal,
    options: doc.resume.options,
    folds,
    ...(current ? { current } : {}),
  }
  return { point, wallSeconds: doc.timing.wallSeconds }
}

/** The all-fold run a partial result continues: its stored spec (paths resolved), with `concurrency` the only setting taken from now. */
export function cvResumeFromPartial(
  file: string,
  read: { point: CvResumePoint; wallSeconds: number },
  concurrency: number,
): { spec: EvalSpec; resumeFrom: CvRun['resumeFrom'] } {
  const { split, shard: _shard, ...spec } = specFromStored(file, read.point.options, concurrency)
  return {
    spec: { ...spec, split: split || undefined },
    resumeFrom: { file, point: read.point, wallSeconds: read.wallSeconds },
  }
}
