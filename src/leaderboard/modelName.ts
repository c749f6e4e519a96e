import path from 'node:path'
import type { BoardDocument } from './collect.js'

const PRESET_PREFIX = 'preset:'

/** The preset a run used (`--preset`): the card's origin.source reads `preset:<name>`. */
export const presetOfSource = (source: string): string | undefined =>
  source.startsWith(PRESET_PREFIX) ? source.slice(PRESET_PREFIX.length) : undefined

/**
 * The one name every view (leaderboard, export, history, gate) gives a model: its preset when the
 * run used one, else its file name, except a tfjs `model.json`, named by its folder (every tfjs
 * model's file is called model.json). `source` is the card's origin.source ('' when unrecorded).
 */
export function modelDisplayName(modelPath: string, source: string): string {
  const preset = presetOfSource(source)
  if (preset !== undefined) return preset
  const base = path.basename(modelPath)
  return base === 'model.json' ? path.basename(path.dirname(modelPath)) : base
}

/** The display name of a document's model (a cross-validation document records no card: its first fold's file). */
export function documentModelName(entry: BoardDocument): string {
  if (entry.kind === 'cv') return modelDisplayName(entry.doc.folds[0]!.model.path, '')
  return modelDisplayName(entry.doc.model.path, entry.doc.model.card.origin.source)
}

/** The model's sha256 (a cross-validation document: its first fold's). */
export function documentModelSha(entry: BoardDocument): string {
  return entry.kind === 'cv' ? entry.doc.folds[0]!.model.sha256 : entry.doc.model.sha256
}
