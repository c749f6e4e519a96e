import { z } from 'zod'
import { compareDocumentSchema } from './compareDocument.js'
import { cvDocumentSchema } from './cvDocument.js'
import { doctorDocumentSchema } from './doctorDocument.js'
import { evalDocumentSchema } from './evalDocument.js'
import { gateDocumentSchema } from './gateDocument.js'
import { LEADERBOARD_SCHEMA, leaderboardDocumentSchema } from './leaderboardDocument.js'
import { speedDocumentSchema } from './speedDocument.js'
import { robustDocumentSchema } from './robustDocument.js'

/**
 * The versioned documents ferbench writes, each with the JSON Schema committed under schemas/
 * (`npm run schemas` regenerates them; tests/results/schema.test.ts checks they are up to date and
 * validates the documents the tests produce against them).
 */
export const DOCUMENT_SCHEMAS = {
  eval: { version: 'ferbench/eval@1', schema: evalDocumentSchema },
  speed: { version: 'ferbench/speed@1', schema: speedDocumentSchema },
  cv: { version: 'ferbench/cv@1', schema: cvDocumentSchema },
  compare: { version: 'ferbench/compare@1', schema: compareDocumentSchema },
  gate: { version: 'ferbench/gate@1', schema: gateDocumentSchema },
  robust: { version: 'ferbench/robust@1', schema: robustDocumentSchema },
  leaderboard: { version: LEADERBOARD_SCHEMA, schema: leaderboardDocumentSchema },
  doctor: { version: 'ferbench/doctor@1', schema: doctorDocumentSchema },
} as const

export type DocumentKind = keyof typeof DOCUMENT_SCHEMAS

const SCHEMA_BASE_URL = 'urn:ferbench:schemas'

/** The JSON Schema (draft 2020-12) of one document kind; objects are closed (additionalProperties: false). */
function jsonSchemaFor(kind: DocumentKind): Record<string, unknown> {
  const { version, schema } = DOCUMENT_SCHEMAS[kind]
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>
  const { $schema, ...rest } = json
  return { $schema, $id: `${SCHEMA_BASE_URL}:${kind}.schema.json`, 'x-ferbench-schema': version, ...rest }
}

export function schemaFileName(kind: DocumentKind): string {
  return `${kind}.schema.json`
}

export function schemaText(kind: DocumentKind): string {
  return `${JSON.stringify(jsonSchemaFor(kind), null, 2)}\n`
}
