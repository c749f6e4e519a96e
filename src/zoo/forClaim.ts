import { cacheRoot, cachedState } from './cache.js'
import { pullModel, type PullResult } from './pull.js'
import { entryBytes, zooEntriesForClaim } from './registry.js'
import { resolveModelArgument } from './resolveModel.js'

export interface ClaimModel {
  /** The cached model file, when the claim's registry model is (now) in the cache. */
  path?: string
  /** What to do when it is not: pull it (the size and licence named). */
  hint?: string
  pulled?: PullResult
}

/**
 * The registry model that answers a claim, for `reproduce <claim>` without --model: the cached file
 * if it is there; downloaded first only when the user passed --pull (never a surprise download).
 */
export async function zooModelForClaim(
  claimId: string,
  options: {
    cacheDir?: string
    pull: boolean
    timeoutS: number
    attempts: number
    onBytes?: (done: number, total: number) => void
  },
): Promise<ClaimModel> {
  const entry = zooEntriesForClaim(claimId)[0]
  if (!entry) return {}
  const root = cacheRoot(options.cacheDir)
  const env = { ...process.env, FERBENCH_CACHE_DIR: root }
  if (cachedState(root, entry).cached) return { path: await resolveModelArgument(`zoo:${entry.name}`, env) }
  if (!options.pull)
    return {
      hint:
        `its model is in the registry as ${entry.name} (${(entryBytes(entry) / 1e6).toFixed(1)} MB, licence ${entry.licence.name}): ` +
        `pass --pull to download it, or run \`ferbench models pull ${entry.name}\``,
    }
  const mirror = process.env.FERBENCH_MIRROR
  const pulled = await pullModel({
    entry,
    cacheDir: root,
    ...(mirror ? { mirror } : {}),
    from: [],
    timeoutS: options.timeoutS,
    attempts: options.attempts,
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
  })
  return { path: pulled.modelPath, pulled }
}
