import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDataset } from '../datasets/registry.js'
import type { DatasetOptions } from '../datasets/types.js'
import { DecodeTally } from '../datasets/decodeTally.js'
import type { RawImage } from '../base/image.js'
import { EMOTIONS, type Emotion } from '../base/emotions.js'
import type { Device } from '../runners/types.js'
import { openModel } from '../model/openModel.js'
import { cardError, dataError, modelError } from '../base/errors.js'
import { machineInfo, toolVersion } from '../base/provenance.js'
import {
  candidateName,
  inputChoices,
  sameSpec,
  specOfCard,
  stage1Specs,
  stage2Specs,
  type CandidateSpec,
} from './candidates.js'
import { DOCTOR_ALPHA, SECOND_ORDER_FIELDS, decide, evaluated, rank, type Evaluated } from './decide.js'
import { DOCTOR_SCHEMA, type DoctorResult } from '../results/doctorDocument.js'
import { runCandidates, type RunStats } from './runCandidates.js'
import { growSample, stratifiedSample, type StratifiedSample } from './sample.js'
import { probeOutputLength } from './probe.js'
import { percent, percentFigure } from '../base/format.js'

export const DOCTOR_DEFAULT_SAMPLES = 350
export const DOCTOR_DEFAULT_SEED = 1
/** Decoded pixels a grown sample may hold (the memory bound of adaptive sampling). */
export const DOCTOR_MAX_SAMPLE_BYTES = 1024 ** 3

export interface DoctorOptions {
  model: string
  dataset: string
  data: string
  split?: string
  samples?: number
  seed?: number
  /** A card to check (its labels are the declared order; its resize/crop win second-order ties, its values win among identical predictions); else --preset, else the sidecar. */
  card?: string
  preset?: string
  device?: Device
  runner?: string
  threads?: number
  batch?: number
  datasetOptions?: Omit<DatasetOptions, 'data' | 'split'>
  /** When the split cannot settle a blocking tie, let the sample grow into the dataset's other splits too. */
  otherSplits?: boolean
  onProgress?: (candidatesDone: number) => void
}

/** The declared label order: the card's, else the dataset's order followed by the canonical classes it lacks, cut to the output count. */
function defaultLabels(datasetLabels: readonly Emotion[], classes: number): Emotion[] {
  return [...datasetLabels, ...EMOTIONS.filter((e) => !datasetLabels.includes(e))].slice(0, classes)
}

/** Whether any sampled image has colour (a 3-channel image whose channels differ somewhere). */
function hasColour(images: readonly RawImage[]): boolean {
  return images.some((img) => {
    if (img.channels !== 3) return false
    const d = img.data
    for (let j = 0; j < d.length; j += 3) if (d[j] !== d[j + 1] || d[j + 1] !== d[j + 2]) return true
    return false
  })
}

function commonSize(images: readonly RawImage[]): { width: number; height: number } {
  const counts = new Map<string, number>()
  for (const img of images)
    counts.set(`${img.width}x${img.height}`, (counts.get(`${img.width}x${img.height}`) ?? 0) + 1)
  const [key] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!
  const [width, height] = key.split('x').map(Number) as [number, number]
  return { width, height }
}

/** One sampling round: what was sampled and whether its ties still blocked the card. */
interface Round {
  samples: number
  splits: string[]
  blocking: string[]
}

/**
 * `ferbench models doctor`: which card does this model want? Samples the split (stratified,
 * seeded), decodes each image once, runs every candidate card the input shape allows, and ranks
 * them by accuracy under the best label assignment (src/doctor/decide.ts says when one is
 * recommended). When a tie blocks the card, the sample grows: to every labelled image of the split,
 * then (with otherSplits) the dataset's other splits, until the tie is settled or the data runs out.
 */
export async function doctor(options: DoctorOptions): Promise<DoctorResult> {
  const started = performance.now()
  const warnings: string[] = []
  const requested = options.samples ?? DOCTOR_DEFAULT_SAMPLES
  const seed = options.seed ?? DOCTOR_DEFAULT_SEED
  const { adapter, split } = await openDataset(options.dataset, {
    ...options.datasetOptions,
    data: options.data,
    split: options.split,
  })
  // the card to check, if any (no card is the normal case: the doctor finds one), then the runner;
  // the file is checked by the runner (src/model/openModel.ts)
  const {
    file: model,
    card: declared,
    runner,
  } = await openModel({
    model: options.model,
    card: options.card,
    preset: options.preset,
    check: 'by the runner',
    withoutCard: { kind: 'none' },
    runner: {
      device: options.device ?? 'cpu',
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.runner ? { runner: options.runner } : {}),
    },
  })
  try {
    warnings.push(...runner.info.notes)
    const decoded = new Map<string, RawImage>()
    const t0 = performance.now()
    let sample = await stratifiedSample(adapter, split, requested, seed, decoded)
    let decodeSeconds = (performance.now() - t0) / 1000
    warnings.push(...adapter.warnings)
    const failures = new Set(sample.failures)
    if (sample.images.length === 0)
      throw dataError(`${options.data}: split ${split} gave no decodable samples to try the model on`)
    if (sample.images.length < requested)
      warnings.push(`${sample.images.length} samples in split ${split} (asked for ${requested})`)
    const splitTotal = Object.values(sample.available).reduce((a, b) => a + b, 0)
    const datasetLabels = [...adapter.labels]

    const size = commonSize(sample.images.map((s) => s.image))
    const choices = inputChoices(runner.input, declared?.card.input, size)
    const shapeOpen = runner.input.shape.slice(1).some((d) => typeof d !== 'number' || d <= 0)
    if (shapeOpen)
      warnings.push(
        `the model input [${runner.input.shape.join(', ')}] leaves dimensions open; tried ${choices.map((c) => `${c.layout} ${c.channels}×${c.height}×${c.width}`).join(', ')}`,
      )
    const fixedBatch =
      typeof runner.input.shape[0] === 'number' && runner.input.shape[0] > 0 ? runner.input.shape[0] : undefined
    const outputLength = await probeOutputLength(runner, choices, fixedBatch, options.model)
    const classes = outputLength.classes
    if (outputLength.from === 'probe') {
      const shape = runner.outputs[0]?.shape ?? []
      warnings.push(
        `the model's output ${shape.length > 0 ? `[${shape.join(', ')}]` : '(no shape recorded)'} leaves the class count dynamic: one inference (${outputLength.probedWith}) returned ${classes} scores per sample`,
      )
    }
    if (classes < 2 || classes > EMOTIONS.length)
      throw cardError(
        `${options.model}: ${classes} outputs per sample; the doctor labels 2 to ${EMOTIONS.length} emotion outputs`,
      )
    if (declared && declared.card.labels.length !== classes) {
      throw cardError(
        `${declared.source}: lists ${declared.card.labels.length} labels but ${options.model} has ${classes} outputs per sample`,
      )
    }
    const declaredLabels = declared ? [...declared.card.labels] : defaultLabels(datasetLabels, classes)
    const declaredSource = declared ? declared.source : `${adapter.name} label order (no card given)`
    const declaredSpec = declared ? specOfCard(declared.card, choices) : undefined
    const stats: RunStats = { inferMs: 0, preprocessMs: 0, rows: 0 }
    let done = 0
    const runOptions = {
      batch: options.batch ?? 32,
      fixedBatch,
      modelPath: options.model,
      stats,
      onCandidate: () => options.onProgress?.(++done),
    }
    const otherSplits = adapter.splits().filter((s) => s !== split)
    const rounds: Round[] = []
    let usedSplits = [split]

    /** Every candidate on one sample, and the decision. */
    const tryAll = async (current: StratifiedSample) => {
      const images = current.images.map((s) => s.image)
      const truth = current.images.map((s) => s.label)
      const colour = hasColour(images)
      const all: Evaluated[] = []
      const failed: Array<{ name: string; error: string }> = []
      const runStage = async (specs: CandidateSpec[], stage: 1 | 2): Promise<void> => {
        const fresh = specs.filter((s) => !all.some((e) => sameSpec(e.spec, s)))
        const scores = await runCandidates(runner, fresh, images, declaredLabels, runOptions)
        fresh.forEach((spec, i) => {
          const got = scores[i]!
          if (typeof got === 'string') {
            failed.push({ name: candidateName(spec), error: got })
            return
          }
          const isDeclared = declaredSpec !== undefined && sameSpec(spec, declaredSpec)
          all.push(evaluated(spec, stage, got, truth, declaredLabels, datasetLabels, isDeclared, all.length))
        })
        if (all.length === 0)
          throw modelError(
            `${options.model}: the model ran under none of the candidate cards; ${failed[0]?.name}: ${failed[0]?.error}`,
          )
      }
      const stage1 = stage1Specs(choices, colour)
      if (declaredSpec && !stage1.some((s) => sameSpec(s, declaredSpec))) stage1.push(declaredSpec)
      await runStage(stage1, 1)
      const best1 = rank(all)[0]!.spec
      const resizes = images.some((img) => img.width !== best1.width || img.height !== best1.height)
      await runStage(stage2Specs(best1, resizes), 2)
      const untried = [
        ...(resizes ? [] : ['resize']),
        ...(!colour && choices.some((c) => c.channels === 3) ? ['input.channelOrder'] : []),
      ]
      const decision = decide(all, datasetLabels, {
        declaredSource,
        samples: images.length,
        dataset: adapter.name,
        split: usedSplits.join('+'),
        seed,
        untried,
        declaredSpec,
        available: usedSplits.length > 1 ? Object.values(current.available).reduce((a, b) => a + b, 0) : splitTotal,
        otherSplits: options.otherSplits ? [] : otherSplits,
      })
      return { decision, colour, resizes, failed, best1, perClass: current.perClass }
    }

    let outcome = await tryAll(sample)
    const blockingFields = (): string[] => [
      ...new Set(
        outcome.decision.ties
          .filter((t) => t.blocking)
          .flatMap((t) => t.fields)
          .filter((f) => !(SECOND_ORDER_FIELDS as readonly string[]).includes(f)),
      ),
    ]
    rounds.push({ samples: sample.images.length, splits: [...usedSplits], blocking: blockingFields() })
    const bytesPerImage = sample.images.reduce((n, s) => n + s.image.data.length, 0) / Math.max(1, sample.images.length)
    const limit = Math.max(sample.images.length, Math.floor(DOCTOR_MAX_SAMPLE_BYTES / Math.max(1, bytesPerImage)))
    const growths: string[][] = [
      [split],
      ...(options.otherSplits && otherSplits.length > 0 ? [[split, ...otherSplits]] : []),
    ]
    for (const splits of growths) {
      if (outcome.decision.recommended !== null) break
      const t1 = performance.now()
      const grown = await growSample(adapter, splits, limit, seed, decoded)
      decodeSeconds += (performance.now() - t1) / 1000
      for (const f of grown.failures) failures.add(f)
      if (grown.images.length <= sample.images.length) continue // nothing more to draw from these splits
      const total = Object.values(grown.available).reduce((a, b) => a + b, 0)
      if (grown.images.length < total)
        warnings.push(
          `the grown sample holds ${grown.images.length} of the ${total} labelled images of ${splits.join(', ')} (decoded pixels kept under ${DOCTOR_MAX_SAMPLE_BYTES / 1024 ** 3} GiB)`,
        )
      warnings.push(
        `a tie on ${blockingFields().join(', ')} blocked the card at ${sample.images.length} samples: the sample grew to ${grown.images.length} (${splits.join(', ')})`,
      )
      sample = grown
      usedSplits = [...splits]
      outcome = await tryAll(sample)
      rounds.push({ samples: sample.images.length, splits: [...usedSplits], blocking: blockingFields() })
    }
    if (outcome.decision.recommended === null && !options.otherSplits && otherSplits.length > 0)
      warnings.push(
        `no card: a tie on ${blockingFields().join(', ')} remains with every labelled image of ${split}; --other-splits lets the sample grow into ${otherSplits.join(', ')} (images the model may have been trained on)`,
      )
    const { decision, colour, resizes, failed, best1 } = outcome
    const images = sample.images.map((s) => s.image)
    for (const failure of failures) warnings.push(`sample skipped (could not be decoded): ${failure}`)
    const imageTally = new DecodeTally()
    for (const s of sample.images) imageTally.add(s.image, s.source)
    warnings.push(...imageTally.warnings())
    const imagesSummary = imageTally.summary()
    if (!colour && choices.some((c) => c.channels === 3))
      warnings.push(
        'the sampled images are gray: RGB, BGR and gray channel orders give the same input, so channel order is not tried',
      )
    if (!resizes)
      warnings.push(
        `the sampled images are already ${best1.width}×${best1.height}: no resizing happens, so the resize kernel is not tried`,
      )
    for (const f of failed) warnings.push(`candidate ${f.name} did not run (the model rejects that input): ${f.error}`)
    const top = decision.candidates[0]!
    const chance = 1 / Object.keys(sample.perClass).length
    if (top.bestAssignment.accuracyCI95[0] <= chance) {
      warnings.push(
        `no candidate scores above chance (${percent(chance, 1)} on this balanced sample): the best, ${top.name}, has ${percent(top.bestAssignment.accuracy, 1)} ` +
          `[${top.bestAssignment.accuracyCI95.map((x) => percentFigure(x, 1)).join(', ')}]. Check that the images are face crops like the model's training data and that the file is the trained model`,
      )
    }
    const identity = await model.identity()
    return {
      schema: DOCTOR_SCHEMA,
      createdAt: new Date().toISOString(),
      tool: { name: 'ferbench', version: toolVersion() },
      model: {
        path: path.resolve(options.model),
        sha256: identity.sha256,
        bytes: identity.bytes,
        input: {
          name: runner.input.name,
          shape: runner.input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : -1)),
        },
        outputs: classes,
        outputsFrom: outputLength.from,
      },
      dataset: {
        name: adapter.name,
        path: path.resolve(options.data),
        split,
        labels: datasetLabels,
        ...(imagesSummary ? { images: imagesSummary } : {}),
      },
      samples: images.length,
      sampling: {
        seed,
        requested,
        perClass: sample.perClass,
        available: sample.available,
        rule: 'per class, the samples with the smallest sha256(seed, id), in equal shares (a class with fewer gives the rest to the others)',
        splits: usedSplits,
        rounds,
      },
      declared: { labels: declaredLabels, source: declaredSource },
      rule: {
        test: "McNemar's exact test on the samples where exactly one of two candidates is right (each under its best label assignment)",
        alpha: DOCTOR_ALPHA,
      },
      candidates: decision.candidates,
      recommended: decision.recommended,
      ties: decision.ties,
      runner: {
        name: runner.info.name,
        backend: runner.info.backend,
        device: runner.info.device,
        version: runner.info.version,
      },
      machine: machineInfo(),
      timing: {
        wallSeconds: (performance.now() - started) / 1000,
        decodeSeconds,
        preprocessSeconds: stats.preprocessMs / 1000,
        inferSeconds: stats.inferMs / 1000,
        rowsRun: stats.rows,
      },
      warnings,
    }
  } finally {
    await runner.release()
  }
}
