import { readFileSync, statSync } from 'node:fs'
import type { z } from 'zod'
import { FerbenchError, dataError, messageOf } from '../base/errors.js'
import { LIMITS } from '../base/limits.js'
import { PROTO_KEY, protoKeyPath } from '../base/textKeys.js'
import { describeIssues } from './describeIssues.js'
import { EVAL_SCHEMA, evalDocumentSchema, type EvalResult } from './evalDocument.js'
import { SPEED_SCHEMA, speedDocumentSchema, type SpeedResult } from './speedDocument.js'
import { CV_SCHEMA, cvDocumentSchema, type CvResult } from './cvDocument.js'

export type ResultDocument =
  | { kind: 'eval'; file: string; doc: EvalResult }
  | { kind: 'cv'; file: string; doc: CvResult }
  | { kind: 'speed'; file: string; doc: SpeedResult }

/** An eval or cross-validation document: what report, compare and gate read scores from. */
export type ScoredDocument = Extract<ResultDocument, { kind: 'eval' | 'cv' }>

/**
 * Reads and parses a JSON document ferbench reads back (a result, a partial result, a shard);
 * `expected` says what it should be, for messages. Every way it can fail is a data error (exit 3)
 * naming the file: missing, a directory or other non-file, unreadable, empty, too large, not JSON.
 */
export function readJsonDocument(file: string, expected: string): unknown {
  let size: number
  try {
    const st = statSync(file)
    if (st.isDirectory()) throw dataError(`${file}: is a directory; expected ${expected}`)
    if (!st.isFile()) throw dataError(`${file}: is not a regular file; expected ${expected}`)
    size = st.size
  } catch (error) {
    if (error instanceof FerbenchError) throw error
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT')
      throw dataError(`${file}: no such file (expected ${expected})`)
    throw dataError(`${file}: cannot be read (${messageOf(error)}); expected ${expected}`)
  }
  if (size === 0) throw dataError(`${file}: file is empty; expected ${expected}`)
  if (size > LIMITS.documentBytes)
    throw dataError(
      `${file}: ${size} bytes, over the ${LIMITS.documentBytes}-byte (${LIMITS.documentBytes / 2 ** 20} MiB) limit of a document ferbench reads back ` +
        `(a 35,887-sample result with embedded predictions is about 1.3 MB); not read; expected ${expected}`,
    )
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw dataError(`${file}: cannot be read (${messageOf(error)}); expected ${expected}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text) as unknown
  } catch (error) {
    throw dataError(`${file}: not a JSON document (${messageOf(error)}); expected ${expected}`)
  }
  const protoAt = protoKeyPath(parsed)
  if (protoAt !== undefined)
    throw dataError(
      `${file}: field '${protoAt}' is named ${PROTO_KEY}, which no ferbench document has (a JSON reader drops it, so what it holds would be lost); expected ${expected}`,
    )
  return parsed
}

/** The document's `schema` field, when it has one. */
export function schemaOf(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'schema' in raw
    ? (raw as { schema: unknown }).schema
    : undefined
}

/** Validates a parsed document with its zod schema: the first issues, by field path, name what is wrong (exit 3). */
export function parseDocument<T>(raw: unknown, schema: z.ZodType<T>, file: string, name: string): T {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw dataError(`${file}: not a valid ${name} document: ${describeIssues(parsed.error)}`)
  return parsed.data
}

/** Reads a ferbench eval, cross-validation or speed document; anything else is a data error naming the file and the field. */
export function readResultDocument(file: string): ResultDocument {
  const raw = readJsonDocument(file, `a ferbench result document (${EVAL_SCHEMA}, ${CV_SCHEMA} or ${SPEED_SCHEMA})`)
  const schema = schemaOf(raw)
  if (schema === EVAL_SCHEMA)
    return { kind: 'eval', file, doc: parseDocument(raw, evalDocumentSchema, file, EVAL_SCHEMA) }
  if (schema === CV_SCHEMA) return { kind: 'cv', file, doc: parseDocument(raw, cvDocumentSchema, file, CV_SCHEMA) }
  if (schema === SPEED_SCHEMA)
    return { kind: 'speed', file, doc: parseDocument(raw, speedDocumentSchema, file, SPEED_SCHEMA) }
  throw dataError(
    `${file}: field 'schema' is ${JSON.stringify(schema)}; expected '${EVAL_SCHEMA}' (ferbench eval --json/--output), '${CV_SCHEMA}' (ferbench eval --folds N) or '${SPEED_SCHEMA}' (ferbench speed)`,
  )
}

/** Reads an eval or cross-validation document; a speed document is a data error naming the file. */
export function readScoredDocument(file: string, what: string): ScoredDocument {
  const read = readResultDocument(file)
  if (read.kind === 'speed')
    throw dataError(
      `${file}: ${what} needs an eval (${EVAL_SCHEMA}) or cross-validation (${CV_SCHEMA}) document; this is a ${read.doc.schema} document`,
    )
  return read
}

/**
 * Reads an eval document whose counts are carried into a new result (`eval --resume`, `merge`):
 * the same reader, with what was expected in the messages.
 */
export function readEvalDocumentFor(file: string, expected: string): EvalResult {
  return evalDocumentFrom(readJsonDocument(file, expected), file, expected)
}

/** An eval document from JSON already read from `file` (see readEvalDocumentFor). */
export function evalDocumentFrom(raw: unknown, file: string, expected: string): EvalResult {
  const schema = schemaOf(raw)
  if (schema !== EVAL_SCHEMA)
    throw dataError(`${file}: field 'schema' is ${JSON.stringify(schema)}; expected '${EVAL_SCHEMA}' (${expected})`)
  return parseDocument(raw, evalDocumentSchema, file, EVAL_SCHEMA)
}
