import type { ParetoStanding } from '../results/leaderboardDocument.js'

export interface ParetoPoint {
  accuracy: number
  accuracyCI95: readonly [number, number]
  /** Lower is better (latency, bytes); null when unknown. */
  cost: number | null
}

/**
 * Each point's standing on the accuracy ↑ / cost ↓ front. A dominates B when A.cost ≤ B.cost and
 * A.accuracy ≥ B.accuracy with one of them strict (point estimates). B is 'tie' rather than
 * 'dominated' when every row that dominates it has an accuracy interval overlapping B's: more test
 * samples could put B on the front. Cost noise is not modelled (timings are medians of many calls).
 */
export function paretoStandings(points: readonly ParetoPoint[]): ParetoStanding[] {
  return points.map((b, i) => {
    const cost = b.cost
    if (cost === null) return null
    let dominated = false
    let certain = false
    points.forEach((a, j) => {
      if (j === i || a.cost === null) return
      const noWorse = a.cost <= cost && a.accuracy >= b.accuracy
      const better = a.cost < cost || a.accuracy > b.accuracy
      if (!noWorse || !better) return
      dominated = true
      if (a.accuracyCI95[0] > b.accuracyCI95[1]) certain = true
    })
    if (!dominated) return 'front'
    return certain ? 'dominated' : 'tie'
  })
}
