import { NLL_FLOOR } from './calibration.js'

/**
 * Temperature scaling (Guo et al. 2017, §4.2): one scalar T > 0 divides the logits; the argmax,
 * and so accuracy, never changes. T is fitted by minimising the mean negative log-likelihood on a
 * held-out split: a golden-section search over ln T in [ln 0.05, ln 20] (the NLL of a softmax in
 * 1/T is convex, so the search finds the minimum; 80 steps shrink the bracket below 1e-15).
 */
export const TEMPERATURE_RANGE: readonly [number, number] = [0.05, 20]

/** Mean NLL at temperature T; `probabilityOf(i, T)` is sample i's probability of its truth class. */
function meanNll(
  samples: number,
  probabilityOf: (i: number, temperature: number) => number,
  temperature: number,
): number {
  let sum = 0
  for (let i = 0; i < samples; i++) sum += -Math.log(Math.max(probabilityOf(i, temperature), NLL_FLOOR))
  return samples === 0 ? 0 : sum / samples
}

export function fitTemperature(
  samples: number,
  probabilityOf: (i: number, temperature: number) => number,
): { temperature: number; nllBefore: number; nllAfter: number } {
  const f = (lnT: number): number => meanNll(samples, probabilityOf, Math.exp(lnT))
  let lo = Math.log(TEMPERATURE_RANGE[0])
  let hi = Math.log(TEMPERATURE_RANGE[1])
  const phi = (Math.sqrt(5) - 1) / 2
  let x1 = hi - phi * (hi - lo)
  let x2 = lo + phi * (hi - lo)
  let f1 = f(x1)
  let f2 = f(x2)
  for (let step = 0; step < 80; step++) {
    if (f1 <= f2) {
      hi = x2
      x2 = x1
      f2 = f1
      x1 = hi - phi * (hi - lo)
      f1 = f(x1)
    } else {
      lo = x1
      x1 = x2
      f1 = f2
      x2 = lo + phi * (hi - lo)
      f2 = f(x2)
    }
  }
  const temperature = Math.exp((lo + hi) / 2)
  return { temperature, nllBefore: f(0), nllAfter: f(Math.log(temperature)) }
}
