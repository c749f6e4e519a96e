/**
 * 95 % intervals for latency ratios measured in blocks (`speed --reference`, interleaved ABBA).
 *
 * Each block b gives a ratio r_b = median call latency of the model / median call latency of the
 * reference in that block. Ratios are averaged on the log scale (a ratio and its inverse are symmetric there):
 *   one run:  exp(mean(log r) ± t(0.975, n − 1) · sd(log r) / √n)
 *   change between two runs (current / baseline): exp(Δ ± t(0.975, ν) · √(s_c²/n_c + s_b²/n_b)),
 *   Δ = mean(log r_c) − mean(log r_b), ν the Welch–Satterthwaite degrees of freedom.
 * Student's t quantile: jstat.
 */
import jstat from 'jstat'
import { meanVariance } from './spread.js'

const logs = (ratios: readonly number[]): number[] => ratios.map((r) => Math.log(r))

/** Mean and sample variance (ddof 1) of the log ratios. */
const logMeanVar = (ratios: readonly number[]): { mean: number; variance: number; n: number } =>
  meanVariance(logs(ratios), 1)

/** Geometric mean of the block ratios: the run's latency ratio. */
export function ratioEstimate(blockRatios: readonly number[]): number {
  return Math.exp(logMeanVar(blockRatios).mean)
}

const t975 = (df: number): number => jstat.jStat.studentt.inv(0.975, df)

/** 95 % interval of the geometric-mean ratio of one run's blocks; undefined with fewer than 2 blocks. */
export function ratioCI95(blockRatios: readonly number[]): [number, number] | undefined {
  if (blockRatios.length < 2) return undefined
  const { mean, variance, n } = logMeanVar(blockRatios)
  const half = t975(n - 1) * Math.sqrt(variance / n)
  return [Math.exp(mean - half), Math.exp(mean + half)]
}

/**
 * 95 % interval of current / baseline (geometric-mean ratios of two independent runs' blocks),
 * Welch's t; undefined when either run has fewer than 2 blocks.
 */
export function ratioChangeCI95(
  current: readonly number[],
  baseline: readonly number[],
): { estimate: number; interval: [number, number]; df: number } | undefined {
  if (current.length < 2 || baseline.length < 2) return undefined
  const c = logMeanVar(current)
  const b = logMeanVar(baseline)
  const vc = c.variance / c.n
  const vb = b.variance / b.n
  const se = Math.sqrt(vc + vb)
  const delta = c.mean - b.mean
  if (se === 0) return { estimate: Math.exp(delta), interval: [Math.exp(delta), Math.exp(delta)], df: c.n + b.n - 2 }
  const df = (vc + vb) ** 2 / (vc ** 2 / (c.n - 1) + vb ** 2 / (b.n - 1))
  const half = t975(df) * se
  return { estimate: Math.exp(delta), interval: [Math.exp(delta - half), Math.exp(delta + half)], df }
}
