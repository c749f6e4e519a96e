import { cachedState } from './cache.js'
import { entryBytes, zooEntries } from './registry.js'
import type { ZooEntry } from './schema.js'

export const MODELS_LIST_SCHEMA = 'ferbench/models-list@1'

export interface ModelsListEntry {
  name: string
  aliases: string[]
  title: string
  bytes: number
  /** 'yes', 'no', or 'partial N%' (a download that the next pull resumes). */
  cached: string
  files: (ZooEntry['files'][number] & { path: string; present: boolean })[]
  licence: ZooEntry['licence']
  preset: string
  cardCheckedAgainst: string
  claims: string[]
  dataset: string
}

export interface ModelsListResult {
  schema: typeof MODELS_LIST_SCHEMA
  cacheDir: string
  models: ModelsListEntry[]
}

export function listModels(cacheDir: string): ModelsListResult {
  const models = zooEntries().map((entry): ModelsListEntry => {
    const state = cachedState(cacheDir, entry)
    const bytes = entryBytes(entry)
    const have = entry.files.reduce(
      (sum, f, i) => sum + (state.files[i]!.present ? f.bytes : state.files[i]!.partialBytes),
      0,
    )
    return {
      name: entry.name,
      aliases: entry.aliases,
      title: entry.title,
      bytes,
      cached: state.cached ? 'yes' : have > 0 ? `partial ${Math.floor((100 * have) / bytes)}%` : 'no',
      files: entry.files.map((f, i) => ({ ...f, path: state.files[i]!.path, present: state.files[i]!.present })),
      licence: entry.licence,
      preset: entry.preset,
      cardCheckedAgainst: entry.cardCheckedAgainst,
      claims: entry.claims,
      dataset: entry.dataset,
    }
  })
  return { schema: MODELS_LIST_SCHEMA, cacheDir, models }
}
