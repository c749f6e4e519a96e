import { describe, expect, it } from 'vitest'
import { EvalState } from '../../src/engine/evalState.js'

const sliceBy = { attributes: ['gender'], minSamples: 1 }

/** Scores samples into a state the way the eval loop does: confusion, calibration, slices. */
function feed(
  state: EvalState,
  rows: ReadonlyArray<{ q: number[]; truth: number; gender: string }>,
  from: number,
): void {
  rows.forEach((r, i) => {
    const predicted = r.q.indexOf(Math.max(...r.q))
    state.score({ id: `s${from + i}`, label: 'x', content: 'c' }, r.truth, predicted)
    state.calibration.add(r.q, r.truth)
    state.slices!.add(new Map([['gender', r.gender]]), r.truth, predicted)
  })
}

const ROWS = [
  { q: [0.7, 0.3], truth: 0, gender: 'female' },
  { q: [0.4, 0.6], truth: 0, gender: 'male' },
  { q: [0.2, 0.8], truth: 1, gender: 'female' },
  { q: [0.55, 0.45], truth: 1, gender: 'male' },
  { q: [0.1, 0.9], truth: 1, gender: 'unsure' },
]

describe('partial-result state carries calibration sums and slice counts', () => {
  it('a run stopped after 2 samples and restored from its saved metrics ends equal to an uninterrupted run', () => {
    const whole = new EvalState(2, false, sliceBy)
    feed(whole, ROWS, 0)
    const first = new EvalState(2, false, sliceBy)
    feed(first, ROWS.slice(0, 2), 0)
    // what a partial result stores (JSON round trip, as on disk)
    const saved = JSON.parse(
      JSON.stringify({
        counts: first.counts,
        ...first.digests.fields(),
        settledDigest: first.settledDigest.hex(),
        scored: first.scored,
        settled: first.settled,
        failures: [],
        stagesMs: first.stagesMs,
        wallSeconds: 1,
        segments: 1,
        calibration: first.calibration.metrics(),
        slices: first.slices!.metrics(['x', 'y']),
      }),
    )
    const resumed = EvalState.restore(saved, 2, sliceBy)
    feed(resumed, ROWS.slice(2), 2)
    expect(resumed.calibration.metrics()).toEqual(whole.calibration.metrics())
    expect(resumed.slices!.metrics(['x', 'y'])).toEqual(whole.slices!.metrics(['x', 'y']))
    expect(resumed.digests.fields()).toEqual(whole.digests.fields())
  })

  it('a partial result without the slices a resumed --slice-by run needs is refused', () => {
    const first = new EvalState(2, false)
    const saved = {
      counts: first.counts,
      ...first.digests.fields(),
      settledDigest: first.settledDigest.hex(),
      scored: 0,
      settled: 0,
      failures: [],
      stagesMs: first.stagesMs,
      wallSeconds: 0,
      segments: 1,
      calibration: first.calibration.metrics(),
    }
    expect(() => EvalState.restore(saved, 2, sliceBy)).toThrow(/no metrics\.slices/)
  })
})
