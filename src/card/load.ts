import { existsSync } from 'node:fs'
import { cardError } from '../base/errors.js'
import { readJsonFile } from '../base/jsonFile.js'
import { presetCard, presetNames } from './presets.js'
import { parseCard, type CardFile } from './schema.js'

/** The card the user chose: a card file (--card) or a preset (--preset); neither means the sidecar beside the model. */
export interface CardChoice {
  card?: string
  preset?: string
}

function readCardFile(file: string): CardFile {
  const raw = readJsonFile(file, {
    what: 'a model card JSON file',
    fail: cardError,
    missing: 'model card not found',
    notJson: 'model card is not valid JSON',
  })
  return parseCard(raw, file)
}

/** The sidecar paths ferbench looks for beside a model: `m.onnx` → `m.onnx.ferbench.json`, then `m.ferbench.json`. */
function sidecarCandidates(modelPath: string): string[] {
  const withoutExt = modelPath.replace(/\.(onnx|json)$/i, '')
  return [`${modelPath}.ferbench.json`, `${withoutExt}.ferbench.json`]
}

function noCard(modelPath: string): never {
  throw cardError(
    `${modelPath}: no model card. The model file cannot say its label order or pixel scale; ` +
      `give --card <file.json> or --preset <name>, or put a card at ${sidecarCandidates(modelPath)[0]} ` +
      `(needs at least "labels" and "scale"; input size, channels and layout are read from the model where unambiguous)`,
  )
}

/**
 * The card for a model, validated by the card schema, and where it came from (`source`: a file
 * path or `preset:<name>`). In this order: choice.card (a file), else choice.preset, else the
 * sidecar beside the model, else `orElse()` — by default an error naming what is missing.
 */
export function loadCard(modelPath: string, choice: CardChoice): { card: CardFile; source: string }
export function loadCard<T>(
  modelPath: string,
  choice: CardChoice,
  orElse: () => T,
): { card: CardFile; source: string } | T
export function loadCard<T>(
  modelPath: string,
  choice: CardChoice,
  orElse: () => T = () => noCard(modelPath),
): { card: CardFile; source: string } | T {
  if (choice.card) return { card: readCardFile(choice.card), source: choice.card }
  if (choice.preset) {
    const card = presetCard(choice.preset)
    if (!card)
      throw cardError(`--preset ${choice.preset}: unknown preset; known: ${presetNames().join(', ') || '(none)'}`)
    return { card, source: `preset:${choice.preset}` }
  }
  const sidecar = sidecarCandidates(modelPath).find((p) => existsSync(p))
  if (sidecar) return { card: readCardFile(sidecar), source: sidecar }
  return orElse()
}
