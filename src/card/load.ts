import { existsSync } from 'node:fs'
import { cardError, type FerbenchError } from '../base/errors.js'
import { readJsonFile } from '../base/jsonFile.js'
import { presetCard, presetNames, presetsFittingInput } from './presets.js'
import type { ModelInputInfo } from './resolve.js'
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

/**
 * The error for a model with no card (exit 5): where a card can come from, the built-in presets
 * whose input fits the model's input shape (when the caller knows it), and the two commands that
 * find or list the rest (`models doctor`, on the command's own data when given; `models inspect --card-skeleton`).
 */
export function noCardError(
  modelPath: string,
  input?: ModelInputInfo,
  data?: { dataset: string; data: string; split?: string | undefined },
): FerbenchError {
  const fitting = input ? presetsFittingInput(input) : []
  const presets = !input
    ? ''
    : fitting.length > 0
      ? ` Built-in presets whose input fits this model's input [${input.shape.join(', ')}]: ${fitting.join(', ')} (a fit of the input size only: check the preset's scale and labels are this model's, \`ferbench models presets\`).`
      : ` No built-in preset's input fits this model's input [${input.shape.join(', ')}].`
  return cardError(
    `${modelPath}: no model card. The model file cannot say its label order or pixel scale; ` +
      `give --card <file.json> or --preset <name>, or put a card at ${sidecarCandidates(modelPath)[0]} ` +
      `(needs at least "labels" and "scale"; input size, channels and layout are read from the model where unambiguous).${presets} ` +
      `To find the card from labelled images: \`ferbench models doctor --model ${modelPath} ${data ? `--dataset ${data.dataset} --data ${data.data}${data.split ? ` --split ${data.split}` : ''}` : '--dataset <name> --data <path>'} --write-card ${sidecarCandidates(modelPath)[0]}\`; ` +
      `to list the fields the model settles and those to fill: \`ferbench models inspect --model ${modelPath} --card-skeleton\` (docs/doctor.md)`,
  )
}

function noCard(modelPath: string): never {
  throw noCardError(modelPath)
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
