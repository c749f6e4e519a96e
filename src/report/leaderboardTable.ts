import type { LeaderboardDocument, LeaderboardRow, ParetoStanding } from '../documents/leaderboardDocument.js'
import Table from './table.js'
import { fitText } from './fit.js'

const pct = (x: number): string => (x * 100).toFixed(2)
const ci = (x: number): string => (x * 100).toFixed(1)
const mb = (bytes: number | null): string => (bytes === null ? 'n/a' : (bytes / 1e6).toFixed(2))
const count = (n: number | null): string => (n === null ? 'n/a' : n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n))
const ms = (x: number | null): string => (x === null ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3))
const MARK: Record<NonNullable<ParetoStanding>, string> = { front: '*', tie: '~', dominated: '' }
const mark = (s: ParetoStanding): string => (s === null ? '?' : MARK[s])

export const LEADERBOARD_LEGEND = 'L = Pareto on accuracy vs latency, S = on accuracy vs size:\n  * on the front, ~ tied with it within the accuracy intervals, ? cost unknown'

function claimedText(r: LeaderboardRow): string {
  const c = r.claimed
  if (!c) return ''
  const parts = [c.accuracy !== undefined ? `${pct(c.accuracy)}%` : '', c.imagesPerSecond !== undefined ? `${c.imagesPerSecond} FPS` : '', c.modelBytes !== undefined ? `${mb(c.modelBytes)} MB` : '']
  return parts.filter(Boolean).join(', ') || 'several claims disagree (see the warning)'
}

/** One table per protocol (≈ 85 columns with a 20-character name): accuracy with interval, size, speed, Pareto marks; claimed values below it. */
export function renderLeaderboardTables(doc: LeaderboardDocument): string {
  const out: string[] = []
  for (const p of doc.protocols) {
    out.push(`${p.dataset} — ${p.protocol}`)
    const table = new Table({ head: ['model', 'accuracy % (95% CI)', 'params', 'MB', 'p50 ms', 'img/s', 'L', 'S'] })
    for (const r of p.rows) {
      table.push([r.model.name, `${pct(r.accuracy)} (${ci(r.accuracyCI95[0])}–${ci(r.accuracyCI95[1])})`, count(r.params), mb(r.bytes), ms(r.latencyP50Ms), r.imagesPerSecond === null ? 'n/a' : r.imagesPerSecond.toFixed(0), mark(r.pareto.accuracyLatency), mark(r.pareto.accuracySize)])
    }
    out.push(table.toString())
    for (const r of p.rows) if (r.claimed) out.push(`claimed for ${r.model.name}: ${claimedText(r)} (${r.claimed.claimIds.join(', ')})`)
    const machines = [...new Set(p.rows.flatMap((r) => (r.machine ? [r.machine] : [])))]
    if (machines.length) out.push(`speed measured on: ${machines.join('; ')}`)
  }
  if (doc.speedOnly.length) {
    out.push('Speed only (no accuracy document; not ranked)')
    const table = new Table({ head: ['model', 'params', 'MB', 'p50 ms', 'img/s', 'machine'] })
    for (const s of doc.speedOnly) table.push([s.model.name, count(s.params), mb(s.bytes), ms(s.latencyP50Ms), s.imagesPerSecond === null ? 'n/a' : s.imagesPerSecond.toFixed(0), s.machine])
    out.push(table.toString())
  }
  if (doc.protocols.length === 0 && doc.speedOnly.length === 0) out.push('No result documents found.')
  out.push(LEADERBOARD_LEGEND)
  for (const w of doc.warnings) out.push(`warning: ${w}`)
  return fitText(out.join('\n'))
}
