/**
 * Maps keyed by text from a file, a flag or a folder name (labels, slice columns and values, class
 * folders, model names, op names). A plain object `{}` inherits from Object.prototype:
 * `obj['constructor']` is a function before anything is stored, `'toString' in obj` is true, and
 * `obj['__proto__'] = v` replaces the prototype instead of adding a key (JSON.stringify then drops
 * it). So such maps are `Map`s; where a plain object is needed (a field of a JSON document), it is
 * a record with a null prototype (`textRecord`), where every key, `__proto__` included, is an
 * ordinary own property, and records read back from JSON are looked up with `ownValue`.
 * The Biome plugin `tools/lint/textKeyedObjects.grit` flags the plain-object forms.
 */

/** The one key a JSON document cannot carry through ferbench's readers (zod drops it from records). */
export const PROTO_KEY = '__proto__'

/** A record with a null prototype, filled from `entries` in order: every key is an own property. */
export function textRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const [key, value] of entries) out[key] = value
  return out
}

/** The value stored under `key` itself, never one inherited from Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined
}

/**
 * The path (`metrics.slices.gender.groups`) of the first object in parsed JSON that has an own
 * `__proto__` key, or undefined. JSON.parse keeps such a key as an own property, but zod records
 * and objects drop it silently, so a reader refuses the document instead of losing that entry.
 */
export function protoKeyPath(value: unknown, at = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (typeof item !== 'object' || item === null) continue
      const found = protoKeyPath(item, `${at}[${i}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const key of Object.keys(value)) {
    const path = at === '' ? key : `${at}.${key}`
    if (key === PROTO_KEY) return path
    const found = protoKeyPath((value as Record<string, unknown>)[key], path)
    if (found !== undefined) return found
  }
  return undefined
}
