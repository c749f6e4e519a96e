/**
 * The text `--json` prints for a value, where it can be made here: oclif's logJson pretty-prints the
 * value (two spaces) and colours each token with the config's JSON theme; without a theme every
 * token is printed as it is, so its output is JSON.stringify(value, null, 2), which this returns
 * without oclif's tokenizing (about 15 ms on a 140 KB eval document, at the end of every run).
 * Undefined where oclif must print it: a theme is set, or the value is not a plain object or array
 * (oclif parses a string first).
 */
export function plainJsonText(value: unknown, theme: unknown): string | undefined {
  if (theme !== undefined || typeof value !== 'object' || value === null) return undefined
  return JSON.stringify(value, null, 2)
}
