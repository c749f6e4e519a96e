import { describe, expect, it } from 'vitest'
import { paretoStandings, type ParetoPoint } from '../../src/leaderboard/pareto.js'

const p = (accuracy: number, halfWidth: number, cost: number | null): ParetoPoint => ({
  accuracy,
  accuracyCI95: [accuracy - halfWidth, accuracy + halfWidth],
  cost,
})

describe('Pareto standings with interval ties', () => {
  it('marks the front, a certain loser and a statistical tie', () => {
    const points = [
      p(0.9, 0.02, 10), // fastest and most accurate: front
      p(0.7, 0.02, 20), // slower and clearly less accurate: dominated
      p(0.89, 0.02, 30), // slower, less accurate only within the intervals: tie
      p(0.95, 0.02, 40), // slowest but most accurate: front
      p(0.5, 0.02, null), // no cost: not placed
    ]
    expect(paretoStandings(points)).toEqual(['front', 'dominated', 'tie', 'front', null])
  })

  it('an equally accurate, cheaper row makes the other a tie, never dominated (the test set cannot order them)', () => {
    expect(paretoStandings([p(0.8, 0.05, 1), p(0.8, 0.05, 2)])).toEqual(['front', 'tie'])
  })

  it('identical points are both on the front (neither is strictly better)', () => {
    expect(paretoStandings([p(0.8, 0.05, 1), p(0.8, 0.05, 1)])).toEqual(['front', 'front'])
  })

  it('brute force: a front point is never dominated by another point', () => {
    let seed = 7
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const points = Array.from({ length: 40 }, () => p(rnd(), rnd() * 0.1, 1 + Math.floor(rnd() * 20)))
    const standings = paretoStandings(points)
    points.forEach((b, i) => {
      const dominators = points.filter(
        (a, j) =>
          j !== i && a.cost! <= b.cost! && a.accuracy >= b.accuracy && (a.cost! < b.cost! || a.accuracy > b.accuracy),
      )
      if (dominators.length === 0) expect(standings[i]).toBe('front')
      else
        expect(standings[i]).toBe(dominators.some((a) => a.accuracyCI95[0] > b.accuracyCI95[1]) ? 'dominated' : 'tie')
    })
  })
})
