import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { classificationMetrics, emptyConfusion } from '../metrics/classification.js'
import { CalibrationAccumulator, type CalibrationReport } from '../metrics/calibration.js'
import { checkLabelOrderOfMapping } from '../metrics/labelOrder.js'
import { SliceAccumulator } from '../metrics/slices.js'
import { checkOutputs, OutputStats } from '../metrics/degenerate.js'
import type { ModelCard } from '../card/schema.js'
import { EVAL_SCHEMA, type EvalResult } from '../results/evalDocument.js'
import { evalDocumentFrom, readEvalDocumentFor, readJsonDocument, schemaOf } from '../results/readDocument.js'
import { canonicalJson, checkEvalDocument } from './documentChecks.js'
import { DatasetDigest } from '../base/datasetDigest.js'
import { decodePredictions, encodePredictions } from '../results/predictions.js'
import { dataError } from '../base/errors.js'

export interface ShardFile {
  file: string
  result: EvalResult
}

const SHARD_EXPECTED = 'a shard result of `ferbench eval --shard i/n --output ...`'

/** A shard to merge: its file, and its JSON when the folder scan already read it. */
export interface ShardInput {
  file: string
  parsed?: unknown
}

/**
 * Reads one shard result with the one document reader: schema-validated, then checked for
 * consistency (checkEvalDocument); any problem is exit 3 naming the file and the field. JSON the
 * folder scan already read is not read again.
 */
export function readShardInput({ file, parsed }: ShardInput): ShardFile {
  const result =
    parsed === undefined ? readEvalDocumentFor(file, SHARD_EXPECTED) : evalDocumentFrom(parsed, file, SHARD_EXPECTED)
  checkEvalDocument(result, file)
  return { file, result }
}

/** Reads one named shard result file (see readShardInput). */
export function readShardFile(file: string): ShardFile {
  return readShardInput({ file })
}

/**
 * The shards to merge: named files as they are (read later); a named folder contributes its *.json
 * files that are eval documents with a dataset.shard (other JSON there is ignored), in name order,
 * with the JSON the scan read.
 */
export function expandShardInputs(inputs: readonly string[]): ShardInput[] {
  return inputs.flatMap((input): ShardInput[] => {
    if (!existsSync(input) || !statSync(input).isDirectory()) return [{ file: input }]
    const shards = readdirSync(input)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .flatMap((n): ShardInput[] => {
        const file = path.join(input, n)
        try {
          const parsed = readJsonDocument(file, `a shard result (${EVAL_SCHEMA} with dataset.shard)`)
          const isShard =
            schemaOf(parsed) === EVAL_SCHEMA &&
            (parsed as { dataset?: { shard?: unknown } }).dataset?.shard !== undefined
          return isShard ? [{ file, parsed }] : []
        } catch {
          return [] // not a shard result: skipped, as the folder rule says
        }
      })
    if (shards.length === 0)
      throw dataError(`${input}: folder holds no shard results (${EVAL_SCHEMA} documents with dataset.shard)`)
    return shards
  })
}

const cardWithoutOrigin = (card: ModelCard): unknown => ({ ...card, origin: undefined })

/** Warnings that describe one shard's samples: recomputed for the merge instead of copied. */
const PER_RUN_WARNINGS = [
  /sample\(s\) failed and are not scored/,
  /^no samples were scored/,
  /^label order check: /,
  /^degenerate output: /,
]

/** The shards' digests added up (each is an additive multiset hash); older shards have only `digest`. */
function combinedDigests(
  datasets: ReadonlyArray<EvalResult['dataset']>,
): Pick<EvalResult['dataset'], 'digest' | 'contentDigest' | 'idDigest'> {
  const sum = (pick: (d: EvalResult['dataset']) => string | undefined): string | undefined => {
    const hexes = datasets.map(pick)
    return hexes.every((h) => h !== undefined) ? DatasetDigest.combine(hexes as string[]) : undefined
  }
  const contentDigest = sum((d) => d.contentDigest)
  const idDigest = sum((d) => d.idDigest)
  return {
    digest: sum((d) => d.digest)!,
    ...(contentDigest ? { contentDigest } : {}),
    ...(idDigest ? { idDigest } : {}),
  }
}

/** The shards' `dataset.images` counts added up (absent when no shard has them). */
function combinedImages(
  summaries: ReadonlyArray<EvalResult['dataset']['images']>,
): Pick<EvalResult['dataset'], 'images'> | Record<never, never> {
  const present = summaries.filter((s) => s !== undefined)
  if (present.length === 0) return {}
  return {
    images: {
      exifOrientation: present[0]!.exifOrientation,
      exifOrientationTagged: present.reduce((n, s) => n + s.exifOrientationTagged, 0),
      animated: present.reduce((n, s) => n + s.animated, 0),
      shrunk: present.reduce((n, s) => n + s.shrunk, 0),
    },
  }
}

/**
 * Merges the results of `eval --shard i/n` for i = 1..n into the result of the unsharded run:
 * confusion counts are added and every metric is recomputed from them; dataset digests add up
 * (they are order-independent sums); failures and predictions are concatenated in shard order.
 * Refuses shards of different models, cards, datasets, splits, label mappings or shard counts,
 * a shard given twice, a missing shard, and partial (interrupted) shards.
 */
export function mergeShards(shards: readonly ShardFile[]): EvalResult {
  if (shards.length === 0) throw dataError('merge: no shard files given')
  const described = shards.map(({ file, result }) => {
    const shard = result.dataset.shard
    if (!shard)
      throw dataError(
        `${file}: not a shard result (no dataset.shard); merge takes the results of \`ferbench eval --shard i/n\``,
      )
    if (!result.complete)
      throw dataError(
        `${file}: shard ${shard.index}/${shard.count} is partial (complete:false); finish it with \`ferbench eval --resume ${file}\` first`,
      )
    return { file, result, shard }
  })
  const first = described[0]!
  const count = first.shard.count
  const same = (what: string, pick: (r: EvalResult) => unknown): void => {
    const expected = canonicalJson(pick(first.result))
    for (const d of described) {
      const got = canonicalJson(pick(d.result))
      if (got !== expected)
        throw dataError(
          `merge: ${d.file} has a different ${what} than ${first.file} (${got} vs ${expected}); shards must come from the same evaluation`,
        )
    }
  }
  same('digest definition (dataset.contentDigest present: pixels hashed)', (r) => r.dataset.contentDigest !== undefined)
  same('shard count', (r) => r.dataset.shard?.count)
  same('shard hash', (r) => r.dataset.shard?.hash)
  same('model (sha256 over every file of the model)', (r) => r.model.sha256)
  same('model card', (r) => cardWithoutOrigin(r.model.card))
  same('dataset', (r) => ({ name: r.dataset.name, split: r.dataset.split, labels: r.dataset.labels }))
  same('label mapping', (r) => r.labelMapping)
  same('confusion-matrix labels', (r) => r.metrics.confusionMatrix.labels)
  const byIndex = new Map<number, string>()
  for (const d of described) {
    const earlier = byIndex.get(d.shard.index)
    if (earlier !== undefined)
      throw dataError(
        `merge: shard ${d.shard.index}/${count} is given twice (${earlier} and ${d.file}); shards must not overlap`,
      )
    byIndex.set(d.shard.index, d.file)
  }
  if (byIndex.size < count) {
    const got = [...byIndex.keys()].sort((a, b) => a - b)
    const missing = count - got.length
    throw dataError(
      `merge: missing ${missing.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} shards: ${rangesText(complementRanges(got, count))}; ` +
        `got ${got.length.toLocaleString('en-US')}: ${rangesText(runsOf(got))}`,
    )
  }
  const ordered = [...described].sort((a, b) => a.shard.index - b.shard.index)

  const labels = first.result.metrics.confusionMatrix.labels
  const counts = emptyConfusion(labels.length)
  for (const { result } of ordered) {
    result.metrics.confusionMatrix.counts.forEach((row, t) => row.forEach((n, p) => (counts[t]![p]! += n)))
  }
  const metrics: EvalResult['metrics'] = {
    ...classificationMetrics(labels, counts),
    ...mergedCalibrationAndSlices(ordered, labels),
  }
  const labelOrder = checkLabelOrderOfMapping(metrics.confusionMatrix, first.result.labelMapping)
  const shardOutputs = ordered.map((d) => d.result.outputCheck)
  const outputs = shardOutputs.every((o) => o !== undefined)
    ? checkOutputs(
        OutputStats.pool(
          first.result.labelMapping.modelLabels.length,
          shardOutputs as NonNullable<(typeof shardOutputs)[number]>[],
        ),
        metrics.confusionMatrix,
        metrics.accuracyCI95,
        first.result.model.card.output,
      )
    : undefined
  const samples = ordered.reduce((n, d) => n + d.result.dataset.samples, 0)
  const failures = ordered.flatMap((d) => d.result.failures)
  const warnings: string[] = []
  const addWarning = (w: string): void => {
    if (!warnings.includes(w)) warnings.push(w)
  }
  for (const d of ordered)
    for (const w of d.result.warnings) if (!PER_RUN_WARNINGS.some((re) => re.test(w))) addWarning(w)
  const backends = [...new Set(ordered.map((d) => `${d.result.runner.backend} (${d.result.runner.version})`))]
  if (backends.length > 1)
    addWarning(`shards ran on different runners: ${backends.join(', ')}; scores may differ in the last digits`)
  const tools = [...new Set(ordered.map((d) => d.result.tool.version))]
  if (tools.length > 1) addWarning(`shards were made by different ferbench versions: ${tools.join(', ')}`)
  if (failures.length > 0) addWarning(`${failures.length} sample(s) failed and are not scored; see failures`)
  if (labelOrder.warning) addWarning(labelOrder.warning)
  for (const w of outputs?.warnings ?? []) addWarning(w)
  if (samples === 0)
    addWarning(`no samples were scored from ${first.result.dataset.path} split ${first.result.dataset.split}`)
  const withPredictions = ordered.filter((d) => d.result.predictions !== undefined).length
  if (withPredictions > 0 && withPredictions < ordered.length)
    addWarning('only some shards embed predictions; the merged result has none')

  const wallSeconds = Math.max(...ordered.map((d) => d.result.timing.wallSeconds))
  const stagesMs = { read: 0, preprocess: 0, infer: 0, metrics: 0 }
  for (const d of ordered)
    for (const k of Object.keys(stagesMs) as Array<keyof typeof stagesMs>) stagesMs[k] += d.result.timing.stagesMs[k]
  const { shard: _shard, ...dataset } = first.result.dataset
  const base = first.result
  const merged: EvalResult = {
    ...base,
    complete: true,
    createdAt: new Date().toISOString(),
    dataset: {
      ...dataset,
      samples,
      ...combinedDigests(ordered.map((d) => d.result.dataset)),
      ...combinedImages(ordered.map((d) => d.result.dataset.images)),
    },
    metrics,
    labelOrderCheck: labelOrder.check,
    ...(outputs ? { outputCheck: outputs.check } : {}),
    timing: { wallSeconds, imagesPerSecond: wallSeconds > 0 ? samples / wallSeconds : 0, stagesMs },
    warnings,
    failures,
    merged: {
      shards: ordered.map((d) => ({
        index: d.shard.index,
        count,
        file: d.file,
        samples: d.result.dataset.samples,
        failures: d.result.failures.length,
        machine: d.result.machine,
        wallSeconds: d.result.timing.wallSeconds,
      })),
    },
  }
  delete merged.predictions
  if (!outputs) delete merged.outputCheck
  if (withPredictions === ordered.length)
    merged.predictions = encodePredictions(
      ordered.flatMap((d) => decodePredictions(d.result.predictions!)),
      labels,
    )
  return merged
}

/**
 * Calibration and slices of the merged result: the shards' additive sums (calibration bins, NLL
 * and Brier sums; per-group confusion counts) are added and the metrics recomputed. Every shard
 * must carry them (and the same temperature and slice attributes); floating-point sums are added
 * in shard order, so ECE, NLL and Brier can differ from an unsharded run's in the last digits.
 */
function mergedCalibrationAndSlices(
  ordered: ReadonlyArray<{ file: string; result: EvalResult }>,
  labels: readonly string[],
): Pick<EvalResult['metrics'], 'calibration' | 'slices'> {
  const out: Pick<EvalResult['metrics'], 'calibration' | 'slices'> = {}
  const withCalibration = ordered.filter((d) => d.result.metrics.calibration !== undefined)
  if (withCalibration.length === ordered.length) {
    const before = new CalibrationAccumulator()
    for (const d of ordered) before.addSaved(d.result.metrics.calibration!)
    const calibration: CalibrationReport = before.metrics()
    const scalings = ordered.map((d) => d.result.metrics.calibration!.temperatureScaling)
    const first = scalings[0]
    if (first) {
      for (const [i, t] of scalings.entries()) {
        if (!t || t.temperature !== first.temperature || t.split !== first.split) {
          throw dataError(
            `merge: ${ordered[i]!.file} has ${t ? `temperature ${t.temperature} fitted on ${t.split}` : 'no temperature scaling'}, ${ordered[0]!.file} ${first.temperature} on ${first.split}; shards must come from the same evaluation`,
          )
        }
      }
      const after = new CalibrationAccumulator()
      for (const t of scalings) after.addSaved(t!.after)
      calibration.temperatureScaling = { ...first, after: after.metrics() }
    }
    out.calibration = calibration
  }
  const attributes = Object.keys(ordered[0]!.result.metrics.slices ?? {})
  for (const d of ordered) {
    const mine = Object.keys(d.result.metrics.slices ?? {})
    if (mine.join('\n') !== attributes.join('\n'))
      throw dataError(
        `merge: ${d.file} is sliced by [${mine.join(', ')}], ${ordered[0]!.file} by [${attributes.join(', ')}]; shards must come from the same evaluation`,
      )
  }
  if (attributes.length > 0) {
    const minSamples = ordered[0]!.result.metrics.slices![attributes[0]!]!.minSamples
    const slices = new SliceAccumulator(attributes, labels.length, minSamples)
    for (const d of ordered) slices.addSaved(d.result.metrics.slices!)
    out.slices = slices.metrics(labels)
  }
  return out
}

/** The ranges [from, to] of 1..count not in `present` (sorted, distinct), in order. */
function complementRanges(present: readonly number[], count: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  let next = 1
  for (const i of present) {
    if (i > next) ranges.push([next, i - 1])
    next = i + 1
  }
  if (next <= count) ranges.push([next, count])
  return ranges
}

/** The runs of consecutive numbers in `present` (sorted, distinct), as ranges [from, to]. */
function runsOf(present: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  for (const i of present) {
    const last = ranges[ranges.length - 1]
    if (last && last[1] === i - 1) last[1] = i
    else ranges.push([i, i])
  }
  return ranges
}

/** `1–4, 6–20,000,000`, at most 20 ranges (then `… and N more ranges`). */
function rangesText(ranges: ReadonlyArray<[number, number]>): string {
  const n = (x: number): string => x.toLocaleString('en-US')
  const shown = ranges.slice(0, 20).map(([a, b]) => (a === b ? n(a) : `${n(a)}–${n(b)}`))
  return ranges.length > 20 ? `${shown.join(', ')} … and ${ranges.length - 20} more ranges` : shown.join(', ') || 'none'
}
