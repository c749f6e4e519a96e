import type { TrendPoint } from '../leaderboard/historyQuery.js'
import Table from './table.js'
import { percent, signed } from './format.js'

/** History metrics that are fractions: shown as percentages, their changes in points. */
const FRACTIONS = new Set(['accuracy', 'accuracyLow', 'accuracyHigh', 'balancedAccuracy', 'meanCorruptionAccuracy'])

/** `ferbench history show` for the terminal: one row per recorded point with its change, or a line saying the store has none. */
export function renderTrend(points: readonly TrendPoint[], metric: string, store: string): string {
  const fmt = (x: number): string => (FRACTIONS.has(metric) ? percent(x) : x.toPrecision(4))
  const delta = (x: number | null): string =>
    x === null ? '' : FRACTIONS.has(metric) ? `${signed(x * 100)} pts` : `${x >= 0 ? '+' : ''}${x.toPrecision(3)}`
  const table = new Table({ head: ['recorded', 'commit', 'branch', 'series', metric, 'change'] })
  for (const p of points)
    table.push([
      p.entry.recordedAt.slice(0, 19),
      p.entry.commit?.slice(0, 8) ?? '',
      p.entry.branch ?? '',
      `${p.entry.model.name}${p.entry.dataset ? ` ${p.entry.dataset} ${p.entry.split}` : ''}`,
      fmt(p.value),
      delta(p.change),
    ])
  return points.length ? table.toString() : `no entries with ${metric} in ${store}`
}
