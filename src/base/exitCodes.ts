/**
 * The one table of exit codes. The README's "Exit codes" table states the same words
 * (tests/docs/links.test.ts compares them); tests assert each code for the failure that produces it.
 */
export const EXIT_CODES = {
  ok: { code: 0, meaning: 'success (for gate: every check passed)' },
  internal: { code: 1, meaning: 'unexpected internal error (a bug: please report it with the message)' },
  usage: { code: 2, meaning: 'bad command line: unknown flag, missing or conflicting value' },
  data: {
    code: 3,
    meaning:
      'dataset input is missing or malformed (file, row or sample named in the message); for compare/gate/report/merge/`eval --resume`: a result document is missing, malformed or not comparable (different test sets, models or shards; pixels changed between the runs or since a partial result)',
  },
  model: {
    code: 4,
    meaning:
      'model file missing or unusable, its input/output shape does not match the card, an inference call ran past `--batch-timeout`, or (`eval --resume`) one of its files changed since the partial result',
  },
  card: { code: 5, meaning: 'model card invalid or incomplete (field and value named in the message)' },
  runner: { code: 6, meaning: 'requested runner, backend or device is not available here' },
  incomplete: {
    code: 7,
    meaning: "run finished but some samples failed (listed in the result's failures); metrics cover the rest",
  },
  regression: { code: 8, meaning: 'gate: at least one check failed (a regression)' },
  interrupted: { code: 9, meaning: 'interrupted (SIGINT/SIGTERM): a partial result marked complete:false was written' },
  output: { code: 10, meaning: 'could not write an output file' },
  undecided: {
    code: 11,
    meaning:
      '`models doctor --write-card`: no card written, because the sample leaves a scale, channel order, layout or label order open (the ties are listed)',
  },
} as const

export type ExitCodeName = keyof typeof EXIT_CODES
