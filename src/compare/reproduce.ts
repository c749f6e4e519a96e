import { existsSync } from 'node:fs'
import { FerbenchError, usageError } from '../base/errors.js'
import { evaluate } from '../engine/evaluate.js'
import type { EvalResult } from '../results/evalDocument.js'
import { evalSpec } from '../engine/spec.js'
import { modelFile } from '../model/openModel.js'
import { machineInfo, type MachineInfo } from '../base/provenance.js'
import { datasetNames } from '../datasets/registry.js'
import type { Device } from '../runners/types.js'
import { findClaim } from './claims.js'
import type { Claim } from './claimsSchema.js'

/**
 * `ferbench reproduce <claim-id>`: runs the claim's protocol and puts the measured number beside
 * the claimed one. Verdicts:
 * - "reproduced": accuracy — the claimed value lies inside the measured 95% Wilson interval;
 *   model size — the file is under the claimed bound ('<'), or within half a unit of the last
 *   published digit of the claimed size ('=', e.g. 32.4 MB → ±0.05 MB; MB = 10^6 bytes).
 * - "not reproduced": the protocol matched and the claimed value is outside that range.
 * - "not comparable": the protocol differs (each difference named), ferbench cannot run it (the
 *   reason said), or the claim is about speed on other hardware (a ratio is reported, never a
 *   pass/fail).
 */
const REPRODUCE_SCHEMA = 'ferbench/reproduce@1'

export type Verdict = 'reproduced' | 'not reproduced' | 'not comparable'

export interface ReproduceOptions {
  claimId: string
  model?: string
  /** Said when --model is missing: e.g. that the claim's model is in the registry and how to pull it. */
  modelHint?: string
  data?: string
  card?: string
  preset?: string
  device: Device
  batch: number
  threads?: number
  runner?: string
  /** Speed claims: how to time (kept small in tests). */
  speed?: { warmup: number; minIterations: number; minDurationS: number }
  onProgress?: (done: number) => void
}

export interface ReproduceResult {
  schema: typeof REPRODUCE_SCHEMA
  claim: Claim
  claimed: { value: number; unit: string; comparator: '=' | '<' }
  measured: { value: number; unit: string; ci95?: [number, number]; detail: string } | null
  /** measured − claimed, in the claim's unit (points for %); null when nothing was measured. */
  difference: number | null
  /** measured / claimed (speed claims, where only a ratio is meaningful). */
  ratio?: number
  verdict: Verdict
  /** Why this verdict: protocol differences, the reproduction rule applied, what cannot be run. */
  reasons: string[]
  run?: {
    model: { path: string; sha256: string; bytes: number }
    card?: string
    dataset?: { name: string; split: string; samples: number; digest: string }
    tta?: string
    input?: string
    machine: MachineInfo
  }
  warnings: string[]
}

const base = (claim: Claim): Pick<ReproduceResult, 'schema' | 'claim' | 'claimed'> => ({
  schema: REPRODUCE_SCHEMA,
  claim,
  claimed: { value: claim.value, unit: claim.unit, comparator: claim.comparator },
})

function notComparable(claim: Claim, reasons: string[], warnings: string[] = []): ReproduceResult {
  return { ...base(claim), measured: null, difference: null, verdict: 'not comparable', reasons, warnings }
}

function requireFile(flag: string, file: string | undefined, claim: Claim, hint?: string): string {
  if (file === undefined)
    throw usageError(
      `reproduce ${claim.id}: needs ${flag} (${claim.metric} claim on ${claim.dataset})${hint ? `; ${hint}` : ''}`,
    )
  return file
}

/** Half a unit of the last decimal the claim was published with (32.4 → 0.05, 1 → 0.5). */
function publishedTolerance(value: number): number {
  const decimals = (String(value).split('.')[1] ?? '').length
  return 0.5 * 10 ** -decimals
}

async function reproduceSize(claim: Claim, options: ReproduceOptions): Promise<ReproduceResult> {
  const model = requireFile('--model', options.model, claim, options.modelHint)
  // the file checked (src/model/openModel.ts), then every file of the model hashed (tfjs shards, ONNX external data)
  const { sha256, bytes } = await modelFile(model).identity()
  const mb = bytes / 1e6
  const run = { model: { path: model, sha256, bytes }, machine: machineInfo() }
  const ok = claim.comparator === '<' ? mb < claim.value : Math.abs(mb - claim.value) <= publishedTolerance(claim.value)
  const rule =
    claim.comparator === '<'
      ? `file must be under ${claim.value} MB`
      : `file must be within ±${publishedTolerance(claim.value)} MB of ${claim.value} MB`
  return {
    ...base(claim),
    measured: {
      value: mb,
      unit: 'MB',
      detail: `${bytes} bytes (MB = 10^6 bytes; ${(bytes / 2 ** 20).toFixed(3)} MiB)`,
    },
    difference: mb - claim.value,
    verdict: ok ? 'reproduced' : 'not reproduced',
    reasons: [`${rule}: measured ${mb.toFixed(3)} MB`],
    run,
    warnings: [],
  }
}

async function reproduceSpeed(claim: Claim, options: ReproduceOptions): Promise<ReproduceResult> {
  const model = requireFile('--model', options.model, claim, options.modelHint)
  const { benchmark } = await import('../engine/speedBenchmark.js')
  const { speedSpec } = await import('../engine/speedSpec.js')
  const result = await benchmark(
    speedSpec({
      model,
      ...(options.card
        ? { card: options.card }
        : options.preset
          ? { preset: options.preset }
          : claim.protocol.preset
            ? { preset: claim.protocol.preset }
            : {}),
      runner: options.runner,
      device: options.device,
      batches: [1],
      threads: [options.threads ?? null],
      ...options.speed, // else the speed defaults (src/engine/speedSpec.ts)
    }),
  )
  const cell = result.results[0]
  if (!cell)
    return notComparable(
      claim,
      [`the model could not be timed at batch 1: ${result.skipped.map((s) => s.reason).join('; ')}`],
      result.warnings,
    )
  const fps = cell.imagesPerSecond
  return {
    ...base(claim),
    measured: {
      value: fps,
      unit: 'FPS',
      detail: `batch 1, ${cell.threads ?? 'default'} threads, mean latency ${cell.latencyMs.mean.toFixed(3)} ms over ${cell.iterations} calls`,
    },
    difference: fps - claim.value,
    ratio: fps / claim.value,
    verdict: 'not comparable',
    reasons: [
      `speed claimed on ${claim.protocol.hardware ?? 'unstated hardware'}, measured on ${result.machine.cpu} × ${result.machine.cores} (${result.machine.os}): reported as a ratio (${(fps / claim.value).toFixed(3)}× the claim), never as pass/fail`,
    ],
    run: {
      model: { path: model, sha256: result.model.sha256, bytes: result.model.bytes },
      card: result.model.card.origin.source,
      machine: result.machine,
    },
    warnings: result.warnings,
  }
}

async function reproduceAccuracy(claim: Claim, options: ReproduceOptions): Promise<ReproduceResult> {
  const p = claim.protocol
  if (p.kind !== 'split' || !p.split)
    return notComparable(claim, [
      `the claim's protocol is ${p.kind === 'kfold' ? `${p.folds}-fold cross-validation` : 'not stated'}; reproduce runs one named split`,
    ])
  if (!datasetNames().includes(claim.dataset))
    return notComparable(claim, [
      `ferbench has no '${claim.dataset}' dataset adapter (known: ${datasetNames().join(', ')})`,
    ])
  const model = requireFile('--model', options.model, claim, options.modelHint)
  const data = requireFile('--data', options.data, claim)
  if (!existsSync(data))
    throw new FerbenchError('data', `${data}: not found (the ${claim.dataset} data for claim ${claim.id})`)
  const card = options.card
    ? { card: options.card }
    : options.preset
      ? { preset: options.preset }
      : p.preset
        ? { preset: p.preset }
        : {}
  let result: EvalResult
  try {
    const spec = evalSpec({
      model,
      ...card,
      dataset: claim.dataset,
      data,
      split: p.split,
      batch: options.batch,
      threads: options.threads,
      device: options.device,
      runner: options.runner,
      tta: p.tta !== 'unspecified' ? p.tta : undefined,
    })
    result = await evaluate(spec, { onProgress: options.onProgress })
  } catch (error) {
    // the card cannot run the claim's TTA (e.g. ten-crop without a crop): the protocols differ
    if (error instanceof FerbenchError && error.kind === 'card' && /--tta/.test(error.message)) {
      return notComparable(claim, [`the claim uses ${p.tta} TTA, which this model card cannot run: ${error.message}`])
    }
    throw error
  }
  const m = result.metrics
  const measured = m.accuracy * 100
  const ci: [number, number] = [m.accuracyCI95[0] * 100, m.accuracyCI95[1] * 100]
  const used = result.model.card
  const differences: string[] = []
  if (
    p.input &&
    (p.input.height !== used.input.height ||
      p.input.width !== used.input.width ||
      p.input.channels !== used.input.channels)
  ) {
    differences.push(
      `input: claim ${p.input.height}×${p.input.width}×${p.input.channels}, measured ${used.input.height}×${used.input.width}×${used.input.channels} (card ${used.origin.source})`,
    )
  }
  if (p.tta !== 'unspecified' && p.tta !== used.tta) differences.push(`TTA: claim ${p.tta}, measured ${used.tta}`)
  if (p.preset && (options.card || options.preset) && used.origin.source !== `preset:${p.preset}`) {
    // not a difference by itself, but worth saying: the claim's preprocessing was replaced
    result.warnings.push(`the claim's preset '${p.preset}' was replaced by ${used.origin.source}`)
  }
  if (result.failures.length > 0)
    differences.push(`${result.failures.length} sample(s) failed to load and are not scored`)
  const inside = claim.value >= ci[0] && claim.value <= ci[1]
  const verdict: Verdict = differences.length > 0 ? 'not comparable' : inside ? 'reproduced' : 'not reproduced'
  const rule = `claimed ${claim.value.toFixed(2)}% is ${inside ? 'inside' : 'outside'} the measured 95% Wilson interval ${ci[0].toFixed(2)}–${ci[1].toFixed(2)}% (${m.correct}/${m.samples})`
  return {
    ...base(claim),
    measured: {
      value: measured,
      unit: '%',
      ci95: ci,
      detail: `${m.correct}/${m.samples} correct on ${result.dataset.name} ${result.dataset.split}`,
    },
    difference: measured - claim.value,
    verdict,
    reasons: differences.length > 0 ? differences.map((d) => `protocol differs: ${d}`) : [rule],
    run: {
      model: { path: result.model.path, sha256: result.model.sha256, bytes: result.model.bytes },
      card: used.origin.source,
      dataset: {
        name: result.dataset.name,
        split: result.dataset.split,
        samples: result.dataset.samples,
        digest: result.dataset.digest,
      },
      tta: used.tta,
      input: `${used.input.height}×${used.input.width}×${used.input.channels}`,
      machine: result.machine,
    },
    warnings: result.warnings,
  }
}

export async function reproduceClaim(options: ReproduceOptions): Promise<ReproduceResult> {
  const claim = findClaim(options.claimId)
  if (claim.cannotRun) return notComparable(claim, [`ferbench cannot run this protocol: ${claim.cannotRun}`])
  switch (claim.metric) {
    case 'accuracy':
      return reproduceAccuracy(claim, options)
    case 'modelBytes':
      return reproduceSize(claim, options)
    case 'fps':
      return reproduceSpeed(claim, options)
    default:
      return notComparable(claim, [`ferbench does not measure '${claim.metric}' claims`])
  }
}
