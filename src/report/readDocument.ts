import { existsSync, readFileSync } from 'node:fs'
import type { z } from 'zod'
import { dataError, messageOf } from '../core/errors.js'
import { CV_SCHEMA } from './cvResult.js'
import { EVAL_SCHEMA } from './evalResult.js'
import { cvDocumentSchema, type CvDocument } from './schemas/cvDocument.js'
import { evalDocumentSchema, type EvalDocument } from './schemas/evalDocument.js'
import { SPEED_SCHEMA, speedDocumentSchema, type SpeedDocument } from './schemas/speedDocument.js'

export type ResultDocument = { kind: 'eval'; file: string; doc: EvalDocument } | { kind: 'cv'; file: string; doc: CvDocument } | { kind: 'speed'; file: string; doc: SpeedDocument }

/** An eval or cross-validation document: what report, compare and gate read scores from. */
export type ScoredDocument = Extract<ResultDocument, { kind: 'eval' | 'cv' }>

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ')
}

/** Reads a ferbench eval or speed document; anything else is a data error naming the file and the field. */
export function readResultDocument(file: string): ResultDocument {
  if (!existsSync(file)) throw dataError(`${file}: result file not found`)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw dataError(`${file}: not a JSON document (${messageOf(error)})`)
  }
  const schema = typeof raw === 'object' && raw !== null && 'schema' in raw ? (raw as { schema: unknown }).schema : undefined
  if (schema === EVAL_SCHEMA) {
    const parsed = evalDocumentSchema.safeParse(raw)
    if (!parsed.success) throw dataError(`${file}: not a valid ${EVAL_SCHEMA} document: ${describeIssues(parsed.error)}`)
    return { kind: 'eval', file, doc: parsed.data }
  }
  if (schema === CV_SCHEMA) {
    const parsed = cvDocumentSchema.safeParse(raw)
    if (!parsed.success) throw dataError(`${file}: not a valid ${CV_SCHEMA} document: ${describeIssues(parsed.error)}`)
    return { kind: 'cv', file, doc: parsed.data }
  }
  if (schema === SPEED_SCHEMA) {
    const parsed = speedDocumentSchema.safeParse(raw)
    if (!parsed.success) throw dataError(`${file}: not a valid ${SPEED_SCHEMA} document: ${describeIssues(parsed.error)}`)
    return { kind: 'speed', file, doc: parsed.data }
  }
  throw dataError(`${file}: field 'schema' is ${JSON.stringify(schema)}; expected '${EVAL_SCHEMA}' (ferbench eval --json/--output), '${CV_SCHEMA}' (ferbench eval --folds N) or '${SPEED_SCHEMA}' (ferbench speed)`)
}

/** Reads an eval or cross-validation document; a speed document is a data error naming the file. */
export function readScoredDocument(file: string, what: string): ScoredDocument {
  const read = readResultDocument(file)
  if (read.kind === 'speed') throw dataError(`${file}: ${what} needs an eval (${EVAL_SCHEMA}) or cross-validation (${CV_SCHEMA}) document; this is a ${read.doc.schema} document`)
  return read
}
