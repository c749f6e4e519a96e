import { allClaims } from '../compare/claims.js'
import type { Claim } from '../compare/claimsSchema.js'
import { toolVersion } from '../base/provenance.js'
import {
  LEADERBOARD_SCHEMA,
  type LeaderboardDocument,
  type LeaderboardProtocol,
  type LeaderboardRow,
} from '../results/leaderboardDocument.js'
import type { SpeedResult } from '../results/speedDocument.js'
import type { BoardDocument, Collected } from './collect.js'
import { modelDisplayName } from './modelName.js'
import { DEFAULT_PICK, describeQuestion, type PickRule, type Question, runnerLabel, selectResults } from './select.js'
import { paretoStandings } from './pareto.js'
import { presetFor } from './presetMatch.js'

/** 1 MB in a claim = 10^6 bytes; 1 M parameters = 10^6. */
const MEGA = 1_000_000

interface Scored {
  file: string
  question: Question
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
  sha256: string
  runner: { name: string; backend: string; device: string }
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

function scoredFrom(entry: BoardDocument, question: Question, warnings: string[]): Scored | undefined {
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
      question,
      createdAt: d.createdAt,
      sha256: d.model.sha256,
      name: modelDisplayName(d.model.path, d.model.card.origin.source),
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
      question,
      createdAt: d.createdAt,
      sha256: shas[0]!,
      name: modelDisplayName(d.folds[0]!.model.path, ''),
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
    sha256: d.model.sha256,
    name: modelDisplayName(d.model.path, d.model.card.origin.source),
    runner: { name: d.runner.name, backend: d.runner.backend, device: d.runner.device },
  }
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

const sameRunner = (a: Question['runner'], b: Question['runner']): boolean =>
  a.name === b.name && a.backend === b.backend && a.device === b.device

/**
 * The one result of `kind` for a row, among the selected ones: the candidates `fits` accepts; when
 * several remain (e.g. speed on two machines), the first by the pick rule's order, with a warning.
 */
function attach<T extends { file: string }>(candidates: readonly T[], what: string, warnings: string[]): T | undefined {
  if (candidates.length > 1)
    warnings.push(
      `${what}: ${candidates.length} results fit (${candidates.map((c) => c.file).join(', ')}); the first by the pick rule, ${candidates[0]!.file}, is used`,
    )
  return candidates[0]
}

/** What a row is built from and why other documents of its model were not attached. */
interface Attached {
  speed: SpeedFigures | undefined
  robust: { file: string; value: number } | undefined
}

/**
 * Joins result documents into one table per protocol (dataset, split or fold protocol, TTA, label
 * set). One row per question (model sha256, dataset digest, protocol, runner/backend/device; the
 * rule of src/leaderboard/select.ts picks one result per question, `pick` newest or best). Speed figures
 * are attached only from a speed document of the same model and runner/backend/device, robustness
 * only from a robust document of the same model on the same samples (dataset digest). Pareto
 * standings are computed within a protocol; the latency front within one runner and machine.
 */
export function buildLeaderboard(
  collected: Collected,
  now: Date = new Date(),
  pick: Exclude<PickRule, 'all'> = DEFAULT_PICK as Exclude<PickRule, 'all'>,
): LeaderboardDocument {
  const warnings = collected.skipped.map((s) => `skipped ${s}`)
  const selection = selectResults(collected.documents, pick)
  warnings.push(...selection.warnings)
  const scored: Scored[] = []
  const speeds: SpeedFigures[] = []
  const robusts: Array<{ file: string; sha256: string; digest: string; where: string; value: number }> = []
  for (const { entry, question } of selection.selected) {
    if (entry.kind === 'speed') speeds.push(speedFigures(entry.file, entry.doc))
    else if (entry.kind === 'robust') {
      if (entry.doc.dataset.shard && !entry.doc.merged) {
        warnings.push(`${entry.file}: a robust shard; merge the shards first — not attached`)
        continue
      }
      robusts.push({
        file: entry.file,
        sha256: entry.doc.model.sha256,
        digest: entry.doc.dataset.digest,
        where: `${entry.doc.dataset.name} ${entry.doc.dataset.split}`,
        value: entry.doc.meanCorruptionAccuracy,
      })
    } else {
      const s = scoredFrom(entry, question, warnings)
      if (s) scored.push(s)
    }
  }
  const usedRobust = new Set<string>()
  const attachedTo = (s: Scored): Attached => {
    const ofModel = speeds.filter((x) => x.sha256 === s.sha256)
    const speed = attach(
      ofModel.filter((x) => sameRunner(x.runner, s.question.runner)),
      `speed of ${describeQuestion(s.question)}`,
      warnings,
    )
    if (!speed && ofModel.length > 0)
      warnings.push(
        `${s.name} on ${s.dataset} ${s.split} ran on ${runnerLabel(s.question.runner)}; its speed documents (${ofModel.map((x) => `${x.file}: ${runnerLabel(x.runner)}`).join(', ')}) measured another runner — not attached`,
      )
    const robustOfModel = robusts.filter((x) => x.sha256 === s.sha256)
    const robust = attach(
      robustOfModel.filter((x) => x.digest === s.question.datasetDigest),
      `robustness of ${describeQuestion(s.question)}`,
      warnings,
    )
    if (!robust && robustOfModel.length > 0)
      warnings.push(
        `${s.name} on ${s.dataset} ${s.split}: its robust documents (${robustOfModel.map((x) => `${x.file}: ${x.where}`).join(', ')}) were run on other samples (another dataset digest) — not attached`,
      )
    if (robust) usedRobust.add(robust.file)
    return { speed, robust }
  }

  const groups = new Map<string, Scored[]>()
  for (const s of scored) {
    const key = JSON.stringify([s.dataset, s.split, s.tta, s.labels])
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  const claims = allClaims()
  const protocols: LeaderboardProtocol[] = [...groups.values()].map((members) => {
    const first = members[0]!
    const rows: LeaderboardRow[] = members.map((s) => {
      const { speed, robust: robustness } = attachedTo(s)
      const claimed = claimedFor(s, claims, warnings)
      return {
        model: { sha256: s.sha256, name: s.name },
        runner: s.question.runner,
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
        latencyFront: speed ? `${runnerLabel(speed.runner)} on ${speed.machine}` : null,
        ...(robustness ? { meanCorruptionAccuracy: robustness.value } : {}),
        pareto: { accuracyLatency: null, accuracySize: null },
        ...(claimed ? { claimed } : {}),
        sources: [s.file, ...(speed ? [speed.file] : []), ...(robustness ? [robustness.file] : [])],
      }
    })
    rows.sort(
      (a, b) =>
        b.accuracy - a.accuracy ||
        a.model.name.localeCompare(b.model.name) ||
        runnerLabel(a.runner!).localeCompare(runnerLabel(b.runner!)),
    )
    // latencies compare only within one runner/backend/device and machine: one front per such group
    const fronts = new Map<string, number[]>()
    rows.forEach((r, i) => {
      if (r.latencyFront) fronts.set(r.latencyFront, [...(fronts.get(r.latencyFront) ?? []), i])
    })
    for (const indices of fronts.values()) {
      const standings = paretoStandings(
        indices.map((i) => ({
          accuracy: rows[i]!.accuracy,
          accuracyCI95: rows[i]!.accuracyCI95,
          cost: rows[i]!.latencyP50Ms,
        })),
      )
      indices.forEach((i, k) => (rows[i]!.pareto.accuracyLatency = standings[k]!))
    }
    const size = paretoStandings(
      rows.map((r) => ({ accuracy: r.accuracy, accuracyCI95: r.accuracyCI95, cost: r.bytes })),
    )
    rows.forEach((r, i) => (r.pareto.accuracySize = size[i]!))
    if (fronts.size > 1)
      warnings.push(
        `${first.dataset} ${first.split}: latencies were measured with ${fronts.size} different runners or machines (${[...fronts.entries()].map(([k, v]) => `${k}: ${v.length} row${v.length === 1 ? '' : 's'}`).join('; ')}); each has its own accuracy–latency front (latencyFront), never one across them`,
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
  const speedOnly = speeds
    .filter((s) => !scoredShas.has(s.sha256))
    .map((s) => ({
      model: { sha256: s.sha256, name: s.name },
      runner: s.runner,
      params: s.params,
      macs: s.macs,
      bytes: s.bytes,
      latencyP50Ms: s.latencyP50Ms,
      imagesPerSecond: s.imagesPerSecond,
      machine: s.machine,
      sources: [s.file],
    }))
    .sort((a, b) => a.model.name.localeCompare(b.model.name))
  for (const r of robusts)
    if (!usedRobust.has(r.file) && !scoredShas.has(r.sha256))
      warnings.push(`${r.file}: a robust result of a model with no accuracy row — not shown`)
  return {
    schema: LEADERBOARD_SCHEMA,
    createdAt: now.toISOString(),
    tool: { name: 'ferbench', version: toolVersion() },
    protocols,
    speedOnly,
    warnings,
  }
}
