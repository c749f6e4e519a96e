import { readFileSync } from 'node:fs'
import { messageOf } from './errors.js'
import { MAX_JSON_BYTES, requireRegularFile, type RegularFileCheck } from './inputFile.js'

export interface JsonFileCheck extends RegularFileCheck {
  /** The words before the parser's reason when the text is not JSON (default 'not valid JSON'). */
  notJson?: string
}

/**
 * Reads a JSON input file that is not a ferbench document (a tfjs model.json, a model card;
 * documents go through src/results/readDocument.ts, which validates them): a regular file of at
 * most `maxBytes` (default MAX_JSON_BYTES), parsed. Every failure throws `check.fail` (its kind
 * gives the exit code) with a message naming the file: missing, not a regular file, too large,
 * unreadable, or `<file>: not valid JSON: <reason>`.
 */
export function readJsonFile(file: string, check: JsonFileCheck): unknown {
  const { notJson = 'not valid JSON', ...regular } = check
  requireRegularFile(file, { maxBytes: MAX_JSON_BYTES, ...regular })
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw check.fail(`${file}: cannot be read (${messageOf(error)}); expected ${check.what}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw check.fail(`${file}: ${notJson}: ${messageOf(error)}`)
  }
}
