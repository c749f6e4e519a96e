import { cardError } from '../base/errors.js'
import type { CardFile } from './card.js'
import { findSidecar, readCardFile, sidecarCandidates } from './loadCard.js'
import { presetCard, presetNames as builtInPresetNames } from './presets.js'

export interface CardSource {
  card: CardFile
  /** A file path or `preset:<name>`. */
  source: string
}

export interface CardChoice {
  card?: string
  preset?: string
}

/** Resolves presets by name; registered by the presets module so this file stays free of model data. */
let presetLookup: ((name: string) => CardFile | undefined) | undefined
let presetNames: () => string[] = () => []

export function setPresetLookup(lookup: (name: string) => CardFile | undefined, names: () => string[]): void {
  presetLookup = lookup
  presetNames = names
}

/** The card for a model: --card, else --preset, else the sidecar beside the model, else an error naming what is missing. */
export function cardFor(modelPath: string, choice: CardChoice): CardSource {
  if (choice.card) return { card: readCardFile(choice.card), source: choice.card }
  if (choice.preset) {
    const card = presetLookup?.(choice.preset)
    if (!card) throw cardError(`--preset ${choice.preset}: unknown preset; known: ${presetNames().join(', ') || '(none)'}`)
    return { card, source: `preset:${choice.preset}` }
  }
  const sidecar = findSidecar(modelPath)
  if (sidecar) return { card: readCardFile(sidecar), source: sidecar }
  throw cardError(
    `${modelPath}: no model card. The model file cannot say its label order or pixel scale; ` +
      `give --card <file.json> or --preset <name>, or put a card at ${sidecarCandidates(modelPath)[0]} ` +
      `(needs at least "labels" and "scale"; input size, channels and layout are read from the model where unambiguous)`,
  )
}

// The built-in presets (src/card/presets.ts), registered here so every caller of cardFor sees them.
setPresetLookup(presetCard, builtInPresetNames)
