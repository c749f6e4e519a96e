import { usageError } from '../base/errors.js'
import { CLAIMS_DATA } from './claimsData.js'
import { claimSchema, type Claim } from './claimsSchema.js'

let cache: Claim[] | undefined

/** Every claim, validated (a malformed entry is a bug: the error names its id and field). */
export function allClaims(): Claim[] {
  if (cache) return cache
  const seen = new Set<string>()
  cache = CLAIMS_DATA.map((raw, i) => {
    const parsed = claimSchema.safeParse(raw)
    if (!parsed.success) {
      throw new Error(
        `claims table entry ${i} (${raw.id}): ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      )
    }
    if (seen.has(parsed.data.id)) throw new Error(`claims table: id '${parsed.data.id}' appears twice`)
    seen.add(parsed.data.id)
    return parsed.data
  })
  return cache
}

export function findClaim(id: string): Claim {
  const claim = allClaims().find((c) => c.id === id)
  if (!claim)
    throw usageError(
      `claim '${id}' not found; known claims: ${allClaims()
        .map((c) => c.id)
        .join(', ')} (see ferbench claims)`,
    )
  return claim
}
