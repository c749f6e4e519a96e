import type { EvalResult } from '../../src/report/evalResult.js'

/** The document without its timing fields (createdAt and timing.*), the only parts allowed to differ between equal runs. */
export function withoutTiming(doc: EvalResult): Omit<EvalResult, 'createdAt' | 'timing'> {
  const { createdAt: _c, timing: _t, ...rest } = doc
  return rest
}
