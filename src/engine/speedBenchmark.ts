import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { evaluate } from './evaluate.js'
import { evalSpec } from './spec.js'
import { DEFAULT_REPEATS, type SpeedSpec } from './speedSpec.js'
import { messageOf, usageError } from '../base/errors.js'
import { checkBatchTensor } from '../base/limits.js'
import { machineInfo, packageVersions, toolVersion } from '../base/provenance.js'
import { EMOTIONS } from '../base/emotions.js'
import { ratioCI95, ratioEstimate } from '../metrics/ratioInterval.js'
import { percentile, summarizeLatencies } from '../metrics/timing.js'
import type { ModelCard } from '../card/schema.js'
import { modelFile, type CreateRunner, type ModelFile, type WithoutCard } from '../model/openModel.js'
import { inspectModel } from '../model/inspect.js'
import { onnxModelStats } from '../model/onnxStats.js'
import { seededRandom } from '../base/prng.js'
import { writeTensor } from '../card/tensor.js'
import {
  SPEED_SCHEMA,
  type E2eCell,
  type ModelSize,
  type SessionTiming,
  type SkippedCell,
  type SpeedCell,
  type SpeedResult,
} from '../results/speedDocument.js'
import type { Runner } from '../runners/types.js'
import { checkSyntheticOutputs } from '../metrics/degenerate.js'
import { textRecord } from '../base/textKeys.js'

export type { CreateRunner } from '../model/openModel.js'

/** What a speed run adds to its spec: progress messages, and the runner factory (tests inject a slowed or fake runner). */
export interface SpeedHooks {
  onProgress?: ((message: string) => void) | undefined
  /** Defaults to the runner registry. */
  createRunner?: CreateRunner | undefined
}

/** Seed of the synthetic input pixels: the same input on every run and machine. */
export const SPEED_INPUT_SEED = 20240605

const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6

/**
 * The card the synthetic input is shaped by: --card / --preset / sidecar as in eval. Without any
 * card, speed can still run: the input is read from the model's input shape, with a warning.
 */
function standInCard(model: string): WithoutCard {
  return {
    kind: 'stand-in',
    note: `${model}: no model card; synthetic input shaped from the model's input shape, pixel scale raw 0–255 (speed does not depend on the labels)`,
    card: {
      card: { input: {}, scale: 'raw255', resize: 'bilinear', tta: 'none', labels: [...EMOTIONS], output: 'logits' },
      source: 'none (input shape from the model)',
    },
  }
}

async function modelSize(file: ModelFile, warnings: string[]): Promise<ModelSize> {
  const model = file.path
  const identity = await file.identity()
  const base = { path: path.resolve(model), sha256: identity.sha256, bytes: identity.bytes }
  if (!/\.onnx$/i.test(model)) {
    // tfjs and other formats: what `ferbench models inspect` reads (bytes incl. weight shards, params, MACs)
    try {
      const info = await inspectModel(model)
      return {
        ...base,
        bytes: info.bytes,
        params: info.params,
        trainableParams: null,
        macs: info.macs,
        macsComplete: info.macsComplete,
        opset: null,
      }
    } catch (error) {
      warnings.push(`${model}: parameters and MACs not counted (${messageOf(error)})`)
      return { ...base, params: null, trainableParams: null, macs: null, macsComplete: null, opset: null }
    }
  }
  const stats = onnxModelStats(model)
  return {
    ...base,
    params: stats.params,
    trainableParams: stats.trainableParams,
    macs: stats.macs,
    macsComplete: stats.macsComplete,
    opset: stats.opset,
  }
}

/** A deterministic synthetic batch of `batch` images scaled as the card says, allocated once per cell. */
export function syntheticBatch(
  card: ModelCard,
  batch: number,
  seed = SPEED_INPUT_SEED,
): { data: Float32Array; dims: number[] } {
  const { height, width, channels, layout } = card.input
  const rowFloats = height * width * channels
  const data = new Float32Array(batch * rowFloats)
  const random = seededRandom(seed)
  const pixels = new Uint8Array(rowFloats)
  for (let row = 0; row < batch; row++) {
    for (let i = 0; i < rowFloats; i++) pixels[i] = Math.floor(random() * 256)
    writeTensor({ data: pixels, width, height, channels }, card, data, row * rowFloats)
  }
  return { data, dims: layout === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels] }
}

/** A latency array grown by doubling, so nothing else is allocated per timed call. */
class Latencies {
  private values: Float64Array
  length = 0
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(16, capacity))
  }
  push(ms: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.length++] = ms
  }
  view(): Float64Array {
    return this.values.subarray(0, this.length)
  }
}

/**
 * Timed calls until at least `minIterations` calls AND `minMs` milliseconds; only the runner call
 * is inside the timer. The clock is performance.now() (a double; process.hrtime.bigint() would
 * allocate a BigInt per reading). Returns the segment's calls and summed call time.
 */
async function timeSegment(
  runner: Runner,
  input: { data: Float32Array; dims: readonly number[] },
  minIterations: number,
  minMs: number,
  into: Latencies,
): Promise<{ calls: number; callMs: number; wallMs: number }> {
  let calls = 0
  let callMs = 0
  const loopStart = performance.now()
  let end = loopStart
  for (;;) {
    const t0 = performance.now()
    await runner.run(input.data, input.dims)
    end = performance.now()
    into.push(end - t0)
    callMs += end - t0
    calls += 1
    if (calls >= minIterations && end - loopStart >= minMs) break
  }
  return { calls, callMs, wallMs: end - loopStart }
}

/** `warmup` untimed calls, then one timed segment of at least `minIterations` calls AND `minDurationS` seconds. */
export async function timeCell(
  runner: Runner,
  input: { data: Float32Array; dims: readonly number[] },
  settings: { warmup: number; minIterations: number; minDurationS: number },
): Promise<{ latenciesMs: Float64Array; durationS: number }> {
  for (let i = 0; i < settings.warmup; i++) await runner.run(input.data, input.dims)
  const latencies = new Latencies(settings.minIterations)
  const { wallMs } = await timeSegment(runner, input, settings.minIterations, settings.minDurationS * 1000, latencies)
  return { latenciesMs: latencies.view(), durationS: wallMs / 1000 }
}

/**
 * Model (A) and reference (B) timed in `repeats` interleaved blocks A B B A, each segment at
 * least minIterations / (2·repeats) calls and minDurationS / (2·repeats) seconds, so both see the
 * same machine state and the totals match one timeCell each. Block ratio = A's median call time /
 * B's in that block (medians: calls the OS preempts on a busy machine do not move them; block
 * ratios of means varied ±40 % between identical runs at load 20 on 2 cores, medians ±10 %).
 * latencyRatio is their geometric mean, latencyRatioCI95 comes from their spread.
 */
export async function timeInterleaved(
  a: { runner: Runner; input: { data: Float32Array; dims: readonly number[] } },
  b: { runner: Runner; input: { data: Float32Array; dims: readonly number[] } },
  settings: { warmup: number; minIterations: number; minDurationS: number },
  repeats: number,
): Promise<{
  a: { latenciesMs: Float64Array; durationS: number }
  b: { latenciesMs: Float64Array; durationS: number }
  blockRatios: number[]
}> {
  for (const x of [a, b]) for (let i = 0; i < settings.warmup; i++) await x.runner.run(x.input.data, x.input.dims)
  const segmentIterations = Math.max(1, Math.ceil(settings.minIterations / (2 * repeats)))
  const segmentMs = (settings.minDurationS * 1000) / (2 * repeats)
  const latencies = { a: new Latencies(settings.minIterations), b: new Latencies(settings.minIterations) }
  const wallMs = { a: 0, b: 0 }
  const blockRatios: number[] = []
  for (let block = 0; block < repeats; block++) {
    const first = { a: latencies.a.length, b: latencies.b.length }
    for (const who of ['a', 'b', 'b', 'a'] as const) {
      const x = who === 'a' ? a : b
      wallMs[who] += (await timeSegment(x.runner, x.input, segmentIterations, segmentMs, latencies[who])).wallMs
    }
    const blockMedian = (who: 'a' | 'b'): number => percentile(latencies[who].view().subarray(first[who]), 50)
    blockRatios.push(blockMedian('a') / blockMedian('b'))
  }
  return {
    a: { latenciesMs: latencies.a.view(), durationS: wallMs.a / 1000 },
    b: { latenciesMs: latencies.b.view(), durationS: wallMs.b / 1000 },
    blockRatios,
  }
}

function cellOf(
  batch: number,
  threads: number | null,
  timed: { latenciesMs: Float64Array; durationS: number },
): SpeedCell {
  const iterations = timed.latenciesMs.length
  return {
    batch,
    threads,
    iterations,
    durationS: timed.durationS,
    latencyMs: summarizeLatencies(timed.latenciesMs),
    imagesPerSecond: timed.durationS > 0 ? (batch * iterations) / timed.durationS : 0,
  }
}

interface Opened {
  runner: Runner
  card: ModelCard
  timing: SessionTiming
  /** The degenerate-output check on the first inference (all zeros, NaN): warnings, empty when fine. */
  outputWarnings: string[]
}

async function open(
  create: CreateRunner | undefined,
  file: ModelFile,
  spec: SpeedSpec,
  threads: number | null,
  batches: readonly number[],
): Promise<Opened> {
  const model = file.path
  const t0 = process.hrtime.bigint()
  const runner = await file.createRunner(
    { device: spec.device, threads: threads ?? undefined, runner: spec.runner },
    create,
  )
  const sessionCreateMs = msSince(t0)
  try {
    const card = file.resolveCard(runner.input)
    for (const batch of card.fixedBatch !== undefined ? [card.fixedBatch] : batches)
      checkBatchTensor(batch, card.input, 'usage', `--batch ${batch} for ${model}`)
    const firstBatch = card.fixedBatch ?? batches[0]!
    const input = syntheticBatch(card, firstBatch)
    const t1 = process.hrtime.bigint()
    const firstOutput = await runner.run(input.data, input.dims)
    const firstInferenceMs = msSince(t1)
    return {
      runner,
      card,
      timing: { threads, sessionCreateMs, firstInferenceMs, firstInferenceBatch: firstBatch },
      outputWarnings: checkSyntheticOutputs(model, firstOutput),
    }
  } catch (error) {
    await runner.release()
    throw error
  }
}

/**
 * `ferbench speed`: per threads value a fresh session (creation and first inference timed apart),
 * then per batch a warmed, timed cell. With a reference model, sessions open side by side, each
 * cell times model and reference in interleaved ABBA blocks (timeInterleaved), so both see the
 * same machine state and the ratio gets an interval.
 */
export async function benchmark(spec: SpeedSpec, hooks: SpeedHooks = {}): Promise<SpeedResult> {
  const loadBefore = os.loadavg()
  const create = hooks.createRunner
  const warnings: string[] = []
  const settings = { warmup: spec.warmup, minIterations: spec.minIterations, minDurationS: spec.minDurationS }
  // both files checked before either card (src/model/openModel.ts: file, card, runner, resolve, identity)
  const modelToTime = modelFile(spec.model)
  const referenceToTime = spec.reference ? modelFile(spec.reference) : undefined
  const repeats = spec.repeats ?? DEFAULT_REPEATS
  await modelToTime.chooseCard({ card: spec.card, preset: spec.preset }, standInCard(modelToTime.path))
  warnings.push(...modelToTime.notes)
  if (referenceToTime) {
    await referenceToTime.chooseCard({ card: spec.referenceCard }, standInCard(referenceToTime.path))
    warnings.push(...referenceToTime.notes)
  }
  const model = await modelSize(modelToTime, warnings)
  const reference = referenceToTime ? await modelSize(referenceToTime, warnings) : undefined

  const sessions: SessionTiming[] = []
  const refSessions: SessionTiming[] = []
  const results: SpeedCell[] = []
  const refResults: SpeedCell[] = []
  const skipped: SkippedCell[] = []
  let card: ModelCard | undefined
  let runnerInfo: SpeedResult['runner'] | undefined
  let refRunnerInfo: NonNullable<SpeedResult['reference']>['runner'] | undefined

  for (const threads of spec.threads) {
    const threadsLabel = threads === null ? 'engine default' : String(threads)
    hooks.onProgress?.(`threads ${threadsLabel}: creating session`)
    const main = await open(create, modelToTime, spec, threads, spec.batches)
    let ref: Opened | undefined
    try {
      if (!runnerInfo) {
        warnings.push(...main.runner.info.notes, ...main.outputWarnings)
        card = main.card
        const i = main.runner.info
        runnerInfo = {
          name: i.name,
          backend: i.backend,
          device: i.device,
          version: i.version,
          graphOptimization: i.graphOptimization ?? null,
        }
      }
      sessions.push(main.timing)
      if (referenceToTime) {
        ref = await open(create, referenceToTime, spec, threads, spec.batches)
        refSessions.push(ref.timing)
        if (!refRunnerInfo) {
          warnings.push(...ref.outputWarnings)
          const i = ref.runner.info
          refRunnerInfo = { name: i.name, backend: i.backend, device: i.device, version: i.version }
        }
      }
      for (const batch of spec.batches) {
        const fixed = [main.card.fixedBatch, ref?.card.fixedBatch].find((f) => f !== undefined && f !== batch)
        if (fixed !== undefined) {
          const who =
            main.card.fixedBatch !== undefined && main.card.fixedBatch !== batch ? spec.model : spec.reference!
          skipped.push({
            batch,
            threads,
            reason: `${who} fixes its batch dimension at ${fixed}; batch ${batch} cannot run (not run at ${fixed} in its place)`,
          })
          continue
        }
        if (ref) {
          hooks.onProgress?.(
            `threads ${threadsLabel}, batch ${batch}: timing model and reference in ${repeats} ABBA block(s)`,
          )
          const timed = await timeInterleaved(
            { runner: main.runner, input: syntheticBatch(main.card, batch) },
            { runner: ref.runner, input: syntheticBatch(ref.card, batch) },
            settings,
            repeats,
          )
          const cell = cellOf(batch, threads, timed.a)
          const refCell = cellOf(batch, threads, timed.b)
          refResults.push(refCell)
          cell.latencyRatio = ratioEstimate(timed.blockRatios)
          const interval = ratioCI95(timed.blockRatios)
          if (interval) cell.latencyRatioCI95 = interval
          cell.latencyRatioBlocks = timed.blockRatios
          results.push(cell)
          continue
        }
        hooks.onProgress?.(`threads ${threadsLabel}, batch ${batch}: timing`)
        results.push(cellOf(batch, threads, await timeCell(main.runner, syntheticBatch(main.card, batch), settings)))
      }
    } finally {
      await main.runner.release()
      await ref?.runner.release()
    }
  }
  if (results.length === 0) {
    throw usageError(
      `no cell could run: ${skipped.map((s) => `batch ${s.batch}: ${s.reason}`).join('; ')}. Use --batch ${card?.fixedBatch ?? 1}`,
    )
  }
  for (const s of skipped) warnings.push(`batch ${s.batch}, threads ${s.threads ?? 'default'} skipped: ${s.reason}`)

  let e2e: E2eCell[] | undefined
  if (spec.e2e) {
    e2e = []
    for (const threads of spec.threads) {
      for (const batch of spec.batches) {
        if (skipped.some((s) => s.batch === batch && s.threads === threads)) continue
        hooks.onProgress?.(`end to end: threads ${threads ?? 'default'}, batch ${batch}`)
        const run = await evaluate(
          evalSpec({
            model: spec.model,
            card: spec.card,
            preset: spec.preset,
            dataset: spec.e2e.dataset,
            data: spec.e2e.data,
            split: spec.e2e.split,
            batch,
            threads: threads ?? undefined,
            device: spec.device,
            runner: spec.runner,
          }),
        )
        const stagesMs = textRecord(Object.entries(run.timing.stagesMs))
        const total = Object.values(stagesMs).reduce((a, b) => a + b, 0)
        const stageShare = Object.fromEntries(Object.entries(stagesMs).map(([k, v]) => [k, total > 0 ? v / total : 0]))
        e2e.push({
          batch,
          threads,
          dataset: run.dataset.name,
          split: run.dataset.split,
          samples: run.dataset.samples,
          wallSeconds: run.timing.wallSeconds,
          imagesPerSecond: run.timing.imagesPerSecond,
          stagesMs,
          stageShare,
        })
        if (run.failures.length > 0)
          warnings.push(
            `end to end (batch ${batch}): ${run.failures.length} sample(s) failed to load and were not timed`,
          )
      }
    }
  }

  const first = sessions[0]!
  return {
    schema: SPEED_SCHEMA,
    createdAt: new Date().toISOString(),
    tool: { name: 'ferbench', version: toolVersion() },
    model: { ...model, card: card! },
    runner: runnerInfo!,
    machine: machineInfo(),
    loadAverage: { before: loadBefore, after: os.loadavg() },
    versions: {
      ferbench: toolVersion(),
      node: process.version,
      ...packageVersions(['onnxruntime-node', '@tensorflow/tfjs-core']),
    },
    settings: { ...settings, ...(spec.reference ? { repeats } : {}), input: 'synthetic', inputSeed: SPEED_INPUT_SEED },
    sessionCreateMs: first.sessionCreateMs,
    firstInferenceMs: first.firstInferenceMs,
    sessions,
    results,
    skipped,
    ...(reference && refRunnerInfo
      ? { reference: { model: reference, runner: refRunnerInfo, sessions: refSessions, results: refResults } }
      : {}),
    ...(e2e ? { e2e } : {}),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    warnings,
  }
}
