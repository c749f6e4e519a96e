import { existsSync, readFileSync } from 'node:fs'
import type { z } from 'zod'
import { cardError } from '../base/errors.js'
import { MAX_JSON_BYTES, requireRegularFile } from '../base/inputFile.js'
import { cardFileSchema, type CardFile } from './card.js'

/** `issue at path: message (received: value)` for each zod issue, so a user sees field and value. */
export function describeIssues(error: z.ZodError, raw: unknown): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(card)'
      let value: unknown = raw
      for (const key of issue.path) {
        value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[String(key)] : undefined
      }
      const received = value === undefined ? 'missing' : JSON.stringify(value)
      return `${path}: ${issue.message} (received: ${received})`
    })
    .join('; ')
}

export function parseCard(raw: unknown, source: string): CardFile {
  const parsed = cardFileSchema.safeParse(raw)
  if (!parsed.success) throw cardError(`${source}: invalid model card: ${describeIssues(parsed.error, raw)}`)
  return parsed.data
}

export function readCardFile(file: string): CardFile {
  requireRegularFile(file, { what: 'a model card JSON file', fail: cardError, maxBytes: MAX_JSON_BYTES, missing: 'model card not found' })
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw cardError(`${file}: model card is not valid JSON: ${(error as Error).message}`)
  }
  return parseCard(raw, file)
}

/** The sidecar path ferbench looks for beside a model: `m.onnx` → `m.onnx.ferbench.json`, then `m.ferbench.json`. */
export function sidecarCandidates(modelPath: string): string[] {
  const withoutExt = modelPath.replace(/\.(onnx|json)$/i, '')
  return [`${modelPath}.ferbench.json`, `${withoutExt}.ferbench.json`]
}

export function findSidecar(modelPath: string): string | undefined {
  return sidecarCandidates(modelPath).find((p) => existsSync(p))
}
