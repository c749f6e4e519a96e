/** One token of oclif's parse of the command line (`raw`): a flag, with its name, or an argument. */
interface RawToken {
  type: string
  flag?: string | undefined
}

/** The flags among `names` that the command line gave, in the order given (once per occurrence). */
export function flagsGiven(raw: readonly RawToken[], names: readonly string[]): string[] {
  return raw.flatMap((r) => (r.type === 'flag' && r.flag !== undefined && names.includes(r.flag) ? [r.flag] : []))
}
