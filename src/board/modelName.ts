import path from 'node:path'

const PRESET_PREFIX = 'preset:'

/** The preset a run used (`--preset`): the card's origin.source reads `preset:<name>`. */
export const presetOfSource = (source: string): string | undefined =>
  source.startsWith(PRESET_PREFIX) ? source.slice(PRESET_PREFIX.length) : undefined

/** How export and history name a model: its preset, else its file name. */
export const presetOrFileName = (modelPath: string, source: string): string =>
  presetOfSource(source) ?? path.basename(modelPath)

/** How a leaderboard row names a model: as presetOrFileName, but a tfjs `model.json` by its folder's name. */
export function rowModelName(modelPath: string, source: string): string {
  const name = presetOrFileName(modelPath, source)
  return presetOfSource(source) === undefined && name === 'model.json' ? path.basename(path.dirname(modelPath)) : name
}
