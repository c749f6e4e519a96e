import { readdirSync, statSync } from 'node:fs'
import type { z } from 'zod'
import path from 'node:path'
import { dataError, messageOf } from '../base/errors.js'
import { EVAL_SCHEMA, evalDocumentSchema, type EvalResult } from '../results/evalDocument.js'
import { SPEED_SCHEMA, speedDocumentSchema, type SpeedResult } from '../results/speedDocument.js'
import { CV_SCHEMA, cvDocumentSchema, type CvResult } from '../results/cvDocument.js'
import { describeIssues } from '../results/describeIssues.js'
import { readJsonDocument, schemaOf } from '../results/readDocument.js'
import { ROBUST_SCHEMA, robustDocumentSchema, type RobustResult } from '../results/robustDocument.js'

export type BoardDocument =
  | { kind: 'eval'; file: string; doc: EvalResult }
  | { kind: 'speed'; file: string; doc: SpeedResult }
  | { kind: 'cv'; file: string; doc: CvResult }
  | { kind: 'robust'; file: string; doc: RobustResult }

/** By the document's `schema` field, text from the file: a Map, so `"schema": "constructor"` finds nothing. */
const SCHEMAS: ReadonlyMap<string, { kind: BoardDocument['kind']; schema: z.ZodType }> = new Map<
  string,
  { kind: BoardDocument['kind']; schema: z.ZodType }
>([
  [EVAL_SCHEMA, { kind: 'eval', schema: evalDocumentSchema }],
  [SPEED_SCHEMA, { kind: 'speed', schema: speedDocumentSchema }],
  [CV_SCHEMA, { kind: 'cv', schema: cvDocumentSchema }],
  [ROBUST_SCHEMA, { kind: 'robust', schema: robustDocumentSchema }],
])

export interface Collected {
  documents: BoardDocument[]
  /** Files inside a named folder that are not ferbench result documents: skipped, each with why. */
  skipped: string[]
}

/** Reads one file as a ferbench result document; returns why not when it is not one. */
function readOne(file: string): BoardDocument | string {
  let raw: unknown
  try {
    raw = readJsonDocument(file, 'a ferbench result document')
  } catch (error) {
    return messageOf(error).replace(`${file}: `, '')
  }
  const tag = schemaOf(raw)
  const entry = typeof tag === 'string' ? SCHEMAS.get(tag) : undefined
  if (!entry) return `field 'schema' is ${JSON.stringify(tag)}; expected one of ${[...SCHEMAS.keys()].join(', ')}`
  const parsed = entry.schema.safeParse(raw)
  if (!parsed.success) return `not a valid ${String(tag)} document: ${describeIssues(parsed.error)}`
  return { kind: entry.kind, file, doc: parsed.data } as BoardDocument
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.ferbench.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/**
 * Reads the named files and every *.json under the named folders (model cards `*.ferbench.json`
 * excluded). A named file that is not a result document is an error (exit 3); a file found in a
 * folder that is not one is skipped and listed.
 */
export function collectDocuments(inputs: readonly string[]): Collected {
  const documents: BoardDocument[] = []
  const skipped: string[] = []
  for (const input of inputs) {
    let isDir: boolean
    try {
      isDir = statSync(input).isDirectory()
    } catch {
      throw dataError(`${input}: no such file or folder`)
    }
    if (!isDir) {
      const read = readOne(input)
      if (typeof read === 'string') throw dataError(`${input}: ${read}`)
      documents.push(read)
      continue
    }
    for (const file of jsonFilesUnder(input)) {
      const read = readOne(file)
      if (typeof read === 'string') skipped.push(`${file}: ${read}`)
      else documents.push(read)
    }
  }
  return { documents, skipped }
}
