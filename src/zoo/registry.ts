import { cardError, usageError } from '../base/errors.js'
import { presetCard } from '../card/presets.js'
import { ZOO_DATA } from './registryData.js'
import { zooEntrySchema, type ZooEntry, type ZooFile } from './schema.js'

let entries: ZooEntry[] | undefined

/** The registry, validated by its schema (a broken entry is a bug: it fails like a broken card, naming the field). */
export function zooEntries(): ZooEntry[] {
  if (entries) return entries
  entries = ZOO_DATA.map((raw, i) => {
    const parsed = zooEntrySchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw cardError(`model registry entry ${i + 1}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`)
    }
    if (!presetCard(parsed.data.preset))
      throw cardError(
        `model registry entry ${parsed.data.name}: preset '${parsed.data.preset}' is not a built-in preset`,
      )
    return parsed.data
  })
  return entries
}

/** The entry named `name` (or one of its aliases), else undefined. */
export function findZooEntry(name: string): ZooEntry | undefined {
  return zooEntries().find((e) => e.name === name || e.aliases.includes(name))
}

/** The entry named `name`, or a usage error (exit 2) listing the names. */
export function requireZooEntry(name: string): ZooEntry {
  const entry = findZooEntry(name)
  if (!entry)
    throw usageError(
      `'${name}' is not in the model registry; known: ${zooEntries()
        .map((e) => e.name)
        .join(', ')} (see \`ferbench models list\`)`,
    )
  return entry
}

export function modelFileOf(entry: ZooEntry): ZooFile {
  return entry.files.find((f) => f.role === 'model')!
}

export function entryBytes(entry: ZooEntry): number {
  return entry.files.reduce((sum, f) => sum + f.bytes, 0)
}

/** The entries whose model answers this claim id. */
export function zooEntriesForClaim(claimId: string): ZooEntry[] {
  return zooEntries().filter((e) => e.claims.includes(claimId))
}
