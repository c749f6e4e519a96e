/**
 * Latency statistics: pure functions over arrays of milliseconds.
 *
 * Percentiles use the NEAREST-RANK method (as MLPerf's LoadGen and onnxruntime_perf_test do):
 * for p in (0, 100], the value at 1-based rank ⌈p/100 · n⌉ of the ascending sort. It always
 * returns an observed latency (never an interpolated one), and p100 is the maximum.
 * The standard deviation is the sample standard deviation (divisor n − 1; 0 for one value).
 */
import { meanVariance } from './spread.js'

export interface LatencySummary {
  mean: number
  std: number
  min: number
  p50: number
  p90: number
  p95: number
  p99: number
  max: number
}

function requireValues(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: needs at least one value, got an empty array`)
}

export function mean(values: ArrayLike<number>): number {
  requireValues(values, 'mean')
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i]!
  return sum / values.length
}

/** Sample standard deviation (n − 1 divisor); 0 for a single value. */
export function std(values: ArrayLike<number>): number {
  requireValues(values, 'std')
  return Math.sqrt(meanVariance(values, 1).variance)
}

export function min(values: ArrayLike<number>): number {
  requireValues(values, 'min')
  let out = Infinity
  for (let i = 0; i < values.length; i++) out = Math.min(out, values[i]!)
  return out
}

export function max(values: ArrayLike<number>): number {
  requireValues(values, 'max')
  let out = -Infinity
  for (let i = 0; i < values.length; i++) out = Math.max(out, values[i]!)
  return out
}

/** Nearest-rank percentile of values already sorted ascending; p in (0, 100]. */
function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  requireValues(sorted, `percentile p${p}`)
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.max(1, rank) - 1]!
}

/** Nearest-rank percentile of unsorted values; p in (0, 100]. */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileSorted(Float64Array.from(values).sort(), p)
}

/** mean, std, min, p50, p90, p95, p99, max of a set of latencies. */
export function summarizeLatencies(values: ArrayLike<number>): LatencySummary {
  requireValues(values, 'summarizeLatencies')
  const sorted = Float64Array.from(values).sort()
  return {
    mean: mean(sorted),
    std: std(sorted),
    min: sorted[0]!,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: sorted[sorted.length - 1]!,
  }
}
