import path from 'node:path'
import { allClaims } from '../claims/claims.js'
import type { Claim } from '../claims/schema.js'
import { toolVersion } from '../identity/provenance.js'
import {
  LEADERBOARD_SCHEMA,
  type LeaderboardDocument,
  type LeaderboardProtocol,
  type LeaderboardRow,
} from '../documents/leaderboardDocument.js'
import type { SpeedResult } from '../documents/speedDocument.js'
import type { BoardDocument, Collected } from './collect.js'
import { rowModelName } from './modelName.js'
import { paretoStandings } from './pareto.js'
import { presetFor } from './presetMatch.js'

/** 1 MB in a claim = 10^6 bytes; 1 M parameters = 10^6. */
const MEGA = 1_000_000

interface Scored {
  file: string
  createdAt: string
  sha256: string
  name: string
  preset: string | undefined
  dataset: string
  split: string
  /** The claim protocol this score can be held against. */
  claimKind: { kind: 'split'; split: string } | { kind: 'kfold'; folds: number }
  tta: string
  labels: string[]
  accuracy: number
  accuracyCI95: [number, number]
  macroF1: number
  balancedAccuracy: number
  samples: number
  bytes: number | null
}

interface SpeedFigures {
  file: string
  createdAt: string
  params: number | null
  macs: number | null
  bytes: number
  latencyP50Ms: number | null
  imagesPerSecond: number | null
  throughputBatch: number | null
  machine: string
  name: string
}

type Scores = Pick<Scored, 'accuracy' | 'accuracyCI95' | 'macroF1' | 'balancedAccuracy' | 'samples'>
const scores = (m: Scores): Scores => ({
  accuracy: m.accuracy,
  accuracyCI95: m.accuracyCI95,
  macroF1: m.macroF1,
  balancedAccuracy: m.balancedAccuracy,
  samples: m.samples,
})

/** How the faces were found, for the protocol name: nothing for the dataset's own crops (the default). */
function facesTag(mode: 'dataset' | 'detect' | 'none' | undefined): string {
  return mode === 'detect' ? ' · faces detected' : mode === 'none' ? ' · whole images' : ''
}

function scoredFrom(entry: BoardDocument, warnings: string[]): Scored | undefined {
  if (entry.kind === 'eval') {
    const d = entry.doc
    if (!d.complete)
      return void warnings.push(`${entry.file}: an interrupted (complete: false) result; resume it first — left out`)
    if (d.dataset.shard && !d.merged)
      return void warnings.push(
        `${entry.file}: shard ${d.dataset.shard.index}/${d.dataset.shard.count} of a split; merge the shards first — left out`,
      )
    const fold = d.dataset.fold
    return {
      file: entry.file,
      createdAt: d.createdAt,
      sha256: d.model.sha256,
      name: rowModelName(d.model.path, d.model.card.origin.source),
      preset: presetFor(d.model.path, d.model.card),
      dataset: d.dataset.name,
      // detected, dataset-cropped and whole-frame faces are different protocols: never ranked together
      split: (fold ? `fold ${fold.fold} of ${fold.folds}` : d.dataset.split) + facesTag(d.dataset.faces?.mode),
      claimKind: { kind: 'split', split: d.dataset.split },
      tta: d.model.card.tta,
      labels: d.labelMapping.columns,
      ...scores(d.metrics),
      bytes: d.model.bytes,
    }
  }
  if (entry.kind === 'cv') {
    const d = entry.doc
    if (!d.complete)
      return void warnings.push(`${entry.file}: an interrupted cross-validation (complete: false) — left out`)
    const shas = [...new Set(d.folds.map((f) => f.model.sha256))]
    if (shas.length > 1)
      return void warnings.push(
        `${entry.file}: a different model per fold (${d.protocol.model}); a leaderboard row needs one model — left out`,
      )
    return {
      file: entry.file,
      createdAt: d.createdAt,
      sha256: shas[0]!,
      name: path.basename(d.folds[0]!.model.path),
      preset: undefined,
      dataset: d.dataset.name,
      split: `${d.protocol.folds}-fold subject-independent (${d.protocol.split})`,
      claimKind: { kind: 'kfold', folds: d.protocol.folds },
      tta: 'unrecorded', // a cv document records no card
      labels: d.labelMapping.columns,
      ...scores(d.metrics),
      bytes: null,
    }
  }
  return undefined
}

/** Batch-1 median latency (the fastest batch-1 cell) and the best throughput of any cell. */
export function speedFigures(file: string, d: SpeedResult): SpeedFigures {
  const batch1 = d.results.filter((c) => c.batch === 1)
  const fastest = batch1.length ? batch1.reduce((a, b) => (b.latencyMs.p50 < a.latencyMs.p50 ? b : a)) : undefined
  const busiest = d.results.length
    ? d.results.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a))
    : undefined
  return {
    file,
    createdAt: d.createdAt,
    params: d.model.params,
    macs: d.model.macs,
    bytes: d.model.bytes,
    latencyP50Ms: fastest ? fastest.latencyMs.p50 : null,
    imagesPerSecond: busiest ? busiest.imagesPerSecond : null,
    throughputBatch: busiest ? busiest.batch : null,
    machine: d.machine.cpu,
    name: rowModelName(d.model.path, d.model.card.origin.source),
  }
}

function newest<T extends { createdAt: string; file: string }>(items: T[], what: string, warnings: string[]): T {
  const sorted = [...items].sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.file.localeCompare(b.file),
  )
  if (sorted.length > 1)
    warnings.push(
      `${what}: ${sorted.length} documents (${sorted.map((s) => s.file).join(', ')}); the newest, ${sorted[0]!.file}, is used`,
    )
  return sorted[0]!
}

function claimedFor(s: Scored, claims: readonly Claim[], warnings: string[]): LeaderboardRow['claimed'] {
  if (!s.preset) return undefined
  const matching = claims.filter((c) => {
    if (c.protocol.preset !== s.preset || c.cannotRun || c.fixture) return false
    if (c.metric !== 'accuracy') return true
    if (c.dataset !== s.dataset) return false
    if (c.protocol.kind === 'split') return s.claimKind.kind === 'split' && c.protocol.split === s.claimKind.split
    if (c.protocol.kind === 'kfold') return s.claimKind.kind === 'kfold' && c.protocol.folds === s.claimKind.folds
    return false
  })
  if (matching.length === 0) return undefined
  const claimed: NonNullable<LeaderboardRow['claimed']> = { claimIds: matching.map((c) => c.id) }
  const accuracyClaims = matching.filter((c) => c.metric === 'accuracy')
  if (accuracyClaims.length > 1)
    warnings.push(
      `${s.name}: ${accuracyClaims.length} accuracy claims match its preset ${s.preset} (${accuracyClaims.map((c) => `${c.id} ${c.value}%`).join(', ')}); none is drawn as its claim`,
    )
  for (const c of matching) {
    if (c.metric === 'accuracy' && accuracyClaims.length === 1) claimed.accuracy = c.value / 100
    if (c.metric === 'modelBytes') claimed.modelBytes = c.value * MEGA
    if (c.metric === 'fps') claimed.imagesPerSecond = c.value
    if (c.metric === 'params') claimed.params = c.value * MEGA
  }
  return claimed
}

/**
 * Joins result documents by model sha256 into one table per protocol (dataset, split or fold
 * protocol, TTA, label set). Rows are never ranked across protocols; speed figures come from the
 * newest speed document of the same model; Pareto standings are computed within a protocol.
 */
export function buildLeaderboard(collected: Collected, now: Date = new Date()): LeaderboardDocument {
  const warnings = collected.skipped.map((s) => `skipped ${s}`)
  const scored: Scored[] = []
  const speeds = new Map<string, SpeedFigures[]>()
  const robust = new Map<string, Array<{ file: string; createdAt: string; value: number }>>()
  for (const entry of collected.documents) {
    if (entry.kind === 'speed') {
      const list = speeds.get(entry.doc.model.sha256) ?? []
      list.push(speedFigures(entry.file, entry.doc))
      speeds.set(entry.doc.model.sha256, list)
    } else if (entry.kind === 'robust') {
      const list = robust.get(entry.doc.model.sha256) ?? []
      list.push({ file: entry.file, createdAt: entry.doc.createdAt, value: entry.doc.meanCorruptionAccuracy })
      robust.set(entry.doc.model.sha256, list)
    } else {
      const s = scoredFrom(entry, warnings)
      if (s) scored.push(s)
    }
  }
  const speedOf = new Map(
    [...speeds].map(([sha, list]) => [sha, newest(list, `speed of model ${sha.slice(0, 12)}`, warnings)]),
  )
  const robustOf = new Map(
    [...robust].map(([sha, list]) => [sha, newest(list, `robustness of model ${sha.slice(0, 12)}`, warnings)]),
  )

  const groups = new Map<string, Scored[]>()
  for (const s of scored) {
    const key = JSON.stringify([s.dataset, s.split, s.tta, s.labels])
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  const claims = allClaims()
  const protocols: LeaderboardProtocol[] = [...groups.values()].map((members) => {
    const first = members[0]!
    const bySha = new Map<string, Scored[]>()
    for (const m of members) bySha.set(m.sha256, [...(bySha.get(m.sha256) ?? []), m])
    const picked = [...bySha.entries()].map(([sha, list]) =>
      newest(list, `model ${sha.slice(0, 12)} on ${first.dataset} ${first.split}`, warnings),
    )
    const rows: LeaderboardRow[] = picked.map((s) => {
      const speed = speedOf.get(s.sha256)
      const claimed = claimedFor(s, claims, warnings)
      const robustness = robustOf.get(s.sha256)
      return {
        model: { sha256: s.sha256, name: s.name },
        accuracy: s.accuracy,
        accuracyCI95: s.accuracyCI95,
        macroF1: s.macroF1,
        balancedAccuracy: s.balancedAccuracy,
        samples: s.samples,
        params: speed?.params ?? null,
        macs: speed?.macs ?? null,
        bytes: speed?.bytes ?? s.bytes,
        latencyP50Ms: speed?.latencyP50Ms ?? null,
        imagesPerSecond: speed?.imagesPerSecond ?? null,
        throughputBatch: speed?.throughputBatch ?? null,
        machine: speed?.machine ?? null,
        ...(robustness ? { meanCorruptionAccuracy: robustness.value } : {}),
        pareto: { accuracyLatency: null, accuracySize: null },
        ...(claimed ? { claimed } : {}),
        sources: [s.file, ...(speed ? [speed.file] : []), ...(robustness ? [robustness.file] : [])],
      }
    })
    rows.sort((a, b) => b.accuracy - a.accuracy || a.model.name.localeCompare(b.model.name))
    const latency = paretoStandings(
      rows.map((r) => ({ accuracy: r.accuracy, accuracyCI95: r.accuracyCI95, cost: r.latencyP50Ms })),
    )
    const size = paretoStandings(
      rows.map((r) => ({ accuracy: r.accuracy, accuracyCI95: r.accuracyCI95, cost: r.bytes })),
    )
    rows.forEach((r, i) => (r.pareto = { accuracyLatency: latency[i]!, accuracySize: size[i]! }))
    const machines = new Set(rows.flatMap((r) => (r.machine ? [r.machine] : [])))
    if (machines.size > 1)
      warnings.push(
        `${first.dataset} ${first.split}: latencies were measured on ${machines.size} different machines (${[...machines].join('; ')}); compare them with care`,
      )
    return {
      dataset: first.dataset,
      split: first.split,
      protocol: `${first.split} · TTA ${first.tta} · ${first.labels.length} classes`,
      labels: first.labels,
      tta: first.tta,
      rows,
    }
  })
  protocols.sort((a, b) => a.dataset.localeCompare(b.dataset) || a.protocol.localeCompare(b.protocol))
  const scoredShas = new Set(scored.map((s) => s.sha256))
  const speedOnly = [...speedOf.entries()]
    .filter(([sha]) => !scoredShas.has(sha))
    .map(([sha, s]) => ({
      model: { sha256: sha, name: s.name },
      params: s.params,
      macs: s.macs,
      bytes: s.bytes,
      latencyP50Ms: s.latencyP50Ms,
      imagesPerSecond: s.imagesPerSecond,
      machine: s.machine,
      sources: [s.file],
    }))
    .sort((a, b) => a.model.name.localeCompare(b.model.name))
  return {
    schema: LEADERBOARD_SCHEMA,
    createdAt: now.toISOString(),
    tool: { name: 'ferbench', version: toolVersion() },
    protocols,
    speedOnly,
    warnings,
  }
}
