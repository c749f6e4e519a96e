import path from 'node:path'
import { presetCard, presetNames } from '../card/presets.js'
import type { EvalResult } from '../results/evalDocument.js'
import { presetOfSource } from './modelName.js'

type RecordedCard = EvalResult['model']['card']

/** The card fields that decide what a model sees and says, as comparable text. */
function essence(card: {
  input?: { height?: number; width?: number; channels?: number }
  scale?: unknown
  resize?: unknown
  crop?: { size?: number } | undefined
  tta?: unknown
  labels?: unknown
  output?: unknown
}): string {
  return JSON.stringify([
    card.input?.height,
    card.input?.width,
    card.input?.channels,
    card.scale,
    card.resize,
    card.crop?.size,
    card.tta ?? 'none',
    card.labels,
    card.output,
  ])
}

/**
 * The preset a result was run with, for matching published claims: the card named one
 * (`--preset`), or the model file is named after a preset (`vgg19-fer2013.onnx`, as
 * `npm run replicas` names them) and its card equals that preset's in every field that decides
 * what the model sees and says. Otherwise none: a claim is never attached on a guess.
 */
export function presetFor(modelPath: string, card: RecordedCard): string | undefined {
  const named = presetOfSource(card.origin.source)
  if (named !== undefined) return named
  const stem = path.basename(modelPath).replace(/\.(onnx|json)$/, '')
  if (!presetNames().includes(stem)) return undefined
  const preset = presetCard(stem)
  return preset && essence(preset) === essence(card) ? stem : undefined
}
