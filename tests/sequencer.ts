import path from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Test files that take longest, in that order (wall seconds of each at load average 10–14, commit
 * a628c37: install 84, badInput 56, prototypeKeys 52, onePass 46, docs 43 and 38, …). Vitest runs
 * the longest first from its cache of an earlier run's durations (node_modules/.vite); without one
 * (a fresh clone, CI) it runs the largest files first, and these small files then start last and
 * run alone at the end. The order changes how long the run takes, never what it checks.
 */
const SLOW_FIRST = [
  'tests/install/quietInstall.test.ts',
  'tests/cli/interruptHang.e2e.test.ts',
  'tests/doctor/doctor.test.ts',
  'tests/engine/eval.e2e.test.ts',
  'tests/cli/interrupt.e2e.test.ts',
  'tests/cli/interruptFolds.e2e.test.ts',
  'tests/cli/badInput.test.ts',
  'tests/cli/prototypeKeys.test.ts',
  'tests/robust/onePass.test.ts',
  'tests/docs/commands.test.ts',
  'tests/docs/helpExamples.test.ts',
  'tests/commands/datasets.test.ts',
  'tests/audit/audit.test.ts',
  'tests/helpers/cliHarness.test.ts',
  'tests/cli/pathFlags.test.ts',
]

/** 0, 1, … for the files above, then every other file after them in vitest's own order. */
function rank(spec: TestSpecification): number {
  const i = SLOW_FIRST.indexOf(path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join('/'))
  return i < 0 ? SLOW_FIRST.length : i
}

/** A seeded Fisher–Yates shuffle (mulberry32), for `--sequence.shuffle`. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let state = seed >>> 0
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Vitest's order with the slowest files above moved to the front; a random order with --sequence.shuffle. */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { shuffle, seed } = this.ctx.config.sequence
    if (shuffle) return shuffled(files, seed)
    const order = await super.sort(files)
    return order
      .map((spec, i) => ({ spec, i, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map((x) => x.spec)
  }
}
