import { existsSync } from 'node:fs'
import { sha256File } from '../base/provenance.js'
import { FerbenchError } from '../base/errors.js'
import { writeFileAtomic } from '../base/atomicWrite.js'
import { cacheRoot, cachedFilePath, cachedState } from './cache.js'
import { entryBytes, findZooEntry, modelFileOf, requireZooEntry } from './registry.js'
import { sidecarCard, sidecarPath } from './pull.js'

const ZOO_PREFIX = 'zoo:'

/** The registry name a --model value asks for: `zoo:<name>`, or a bare registry name that is no file here. */
export function zooNameOf(value: string): string | undefined {
  if (value.startsWith(ZOO_PREFIX)) return value.slice(ZOO_PREFIX.length)
  if (!/[\\/]/.test(value) && !existsSync(value) && findZooEntry(value)) return value
  return undefined
}

/**
 * A --model value as a file path: a registry model (`zoo:<name>` or its bare name) becomes its
 * cached file, every file re-hashed against the registry and its card sidecar beside it; any other
 * value is returned as it is. A registry model not in the cache is exit 4 naming `models pull`.
 */
export async function resolveModelArgument(value: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const name = zooNameOf(value)
  if (name === undefined) return value
  const entry = requireZooEntry(name)
  const root = cacheRoot(undefined, env)
  const state = cachedState(root, entry)
  if (!state.cached)
    throw new FerbenchError(
      'model',
      `zoo:${entry.name}: not in the model cache (${root}); run \`ferbench models pull ${entry.name}\` first ` +
        `(${(entryBytes(entry) / 1e6).toFixed(1)} MB, licence ${entry.licence.name}${entry.licence.restriction ? `: ${entry.licence.restriction}` : ''})`,
    )
  for (const file of entry.files) {
    const cached = cachedFilePath(root, entry, file)
    const actual = await sha256File(cached)
    if (actual !== file.sha256)
      throw new FerbenchError(
        'model',
        `${cached}: sha256 ${actual} is not the registry's ${file.sha256} for zoo:${entry.name}; run \`ferbench models pull ${entry.name}\` to fetch it again`,
      )
  }
  const modelPath = cachedFilePath(root, entry, modelFileOf(entry))
  if (!existsSync(sidecarPath(modelPath)))
    writeFileAtomic(sidecarPath(modelPath), `${JSON.stringify(sidecarCard(entry), null, 2)}\n`)
  return modelPath
}
