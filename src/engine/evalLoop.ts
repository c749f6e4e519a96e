import { performance } from 'node:perf_hooks'
import { concatFloats } from '../base/floatArrays.js'
import { setTimeout as sleep } from 'node:timers/promises'
import pLimit from 'p-limit'
import { DECODE_SLOTS } from '../datasets/decodeLimits.js'
import type { DatasetAdapter, Sample } from '../datasets/types.js'
import type { RawImage } from '../base/image.js'
import { predictColumn, type LabelMapping } from '../base/labelMapping.js'
import type { ModelCard } from '../card/schema.js'
import { prepareViews, writeTensor } from '../card/tensor.js'
import { checkInputSize, pixelScale } from '../card/pixelTensor.js'
import type { Runner } from '../runners/types.js'
import { DatasetDigest, UNREADABLE, contentHash, contentKey } from '../base/datasetDigest.js'
import { FerbenchError, dataError, messageOf, modelError, usageError } from '../base/errors.js'
import { PROTO_KEY } from '../base/textKeys.js'
import type { EvalState } from './evalState.js'
import { prefetch } from './prefetch.js'
import { columnProbabilities, combineViews, nonFiniteScores, topScores } from './scoring.js'
import { inShard, type Shard } from './shard.js'
import { InferenceAbandoned, stopGrace } from './stopGrace.js'

/**
 * Test hook: FERBENCH_DEBUG_SAMPLE_DELAY_MS slows each sample's preparation by that many ms and
 * reports settled counts on stderr, so tests can interrupt a run part-way. Not a user setting.
 */
const DEBUG_DELAY_MS = Number(process.env.FERBENCH_DEBUG_SAMPLE_DELAY_MS ?? 0)

export interface LoopInput {
  adapter: DatasetAdapter
  split: string
  data: string
  modelPath: string
  runner: Runner
  card: ModelCard
  mapping: LabelMapping
  /** Samples per inference call; rows per call (views × samples, or the fixed batch). */
  batch: number
  rowsPerCall: number
  /** Samples prepared ahead of inference (1 = serial). */
  concurrency: number
  strict: boolean
  shard?: Shard
  /** Samples of the (sharded) stream already settled by an earlier run, and their digest. */
  skip?: { settled: number; settledDigest: string; from: string }
  signal?: AbortSignal
  onProgress?: (samplesDone: number) => void
  /** The split's samples as read ahead while the model opened (src/engine/readAhead.ts); absent: `adapter.samples(split)`. */
  samples?: AsyncIterable<Sample>
  /** Attributes to read per sample for per-group metrics (`eval --slice-by`). */
  sliceBy?: readonly string[]
  /** Applied to each decoded image before the card's preprocessing (`ferbench robust`'s corruptions). */
  transform?: (image: RawImage, sample: Sample) => Promise<RawImage>
  /** Called with each scored sample's combined score row (model order, after TTA) and its truth column. */
  onScores?: (row: Float32Array, truthColumn: number) => void
}

/** Iterates `source`, adding the time spent waiting on it (CSV parsing, directory listing) to the read stage. */
async function* timed<T>(source: AsyncIterable<T>, state: EvalState): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]()
  try {
    for (;;) {
      const t0 = performance.now()
      const next = await iterator.next()
      const ms = performance.now() - t0
      state.stagesMs.read += ms
      state.streamMs += ms
      if (next.done) return
      yield next.value
    }
  } finally {
    await iterator.return?.(undefined)
  }
}

/** A sample ready for inference (its views), or one whose image could not be loaded. */
type Prepared =
  | {
      sample: Sample
      views: RawImage[]
      /** The decoded image's size and decoder notes (before any transform). */
      loaded: Pick<RawImage, 'notes' | 'width' | 'height'>
      content: string
      readMs: number
      preprocessMs: number
      attributes?: ReadonlyMap<string, string>
    }
  | { sample: Sample; error: unknown; readMs: number }

/**
 * The values of one sample's sliced attributes (the subject, then the adapter's own). A value
 * `__proto__` is a data error naming the sample: it would be a group key of the result document that
 * no JSON reader keeps (src/base/textKeys.ts), so its samples would vanish from the groups on reading.
 */
async function sampleAttributes(sample: Sample, sliceBy: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const own = sample.attributes ? await sample.attributes() : undefined
  const out = new Map<string, string>()
  for (const name of sliceBy) {
    const value = own?.get(name) ?? (name === 'subject' ? sample.subject : undefined)
    if (value === undefined) continue
    if (value === PROTO_KEY)
      throw dataError(
        `${sample.source}: ${name} '${PROTO_KEY}' cannot name a group of --slice-by ${name} (a JSON key the result document cannot keep); rename that value`,
      )
    out.set(name, value)
  }
  return out
}

async function prepare(sample: Sample, input: LoopInput): Promise<Prepared> {
  const t0 = performance.now()
  let image: RawImage
  let loaded: Pick<RawImage, 'notes' | 'width' | 'height'>
  let content: string
  let attributes: ReadonlyMap<string, string> | undefined
  try {
    image = await sample.load()
    loaded = { width: image.width, height: image.height, ...(image.notes ? { notes: image.notes } : {}) }
    content = contentHash(image) // the decoded pixels as read, before any transform or preprocessing
    if (input.transform) image = await input.transform(image, sample)
    if (input.sliceBy && input.sliceBy.length > 0) attributes = await sampleAttributes(sample, input.sliceBy)
  } catch (error) {
    return { sample, error, readMs: performance.now() - t0 }
  }
  const t1 = performance.now()
  const views = await prepareViews(image, input.card)
  if (DEBUG_DELAY_MS > 0) await sleep(DEBUG_DELAY_MS)
  return {
    sample,
    views,
    loaded,
    content,
    readMs: t1 - t0,
    preprocessMs: performance.now() - t1,
    ...(attributes ? { attributes } : {}),
  }
}

/** The content hash of a sample's decoded pixels, or UNREADABLE when it does not decode (its decoder notes are tallied). */
async function contentOf(sample: Sample, state: EvalState): Promise<string> {
  try {
    const image = await sample.load()
    state.images.add(image, sample.source)
    return contentHash(image)
  } catch {
    return UNREADABLE
  }
}

/**
 * The adapter's samples of one split, restricted to one shard, with the already-settled prefix
 * skipped and checked: its samples are decoded again (not run through the model) so that their
 * ids, labels and pixels can be checked against the partial result's settled digest.
 */
export async function* samplesToRun(input: LoopInput, state: EvalState): AsyncGenerator<Sample> {
  let index = 0
  let streamed = 0
  const seen = new DatasetDigest()
  const skip = input.skip
  for await (const sample of timed(input.samples ?? input.adapter.samples(input.split), state)) {
    streamed += 1
    if (input.shard && !inShard(sample.id, input.shard)) continue
    if (streamed === 0) throw usageError(emptySplitMessage(input))
    if (skip && index < skip.settled) {
      const t0 = performance.now()
      seen.add({ id: sample.id, label: sample.label, content: await contentOf(sample, state) })
      state.stagesMs.read += performance.now() - t0
      index += 1
      if (index === skip.settled && seen.hex() !== skip.settledDigest) {
        throw dataError(
          `${input.data}: the first ${skip.settled} samples of split ${input.split} are not those the partial result ${skip.from} settled ` +
            '(their ids, labels or pixels differ): the dataset changed since; run again without --resume',
        )
      }
      continue
    }
    yield sample
  }
  if (streamed === 0) throw usageError(emptySplitMessage(input))
  if (skip && index < skip.settled) {
    throw dataError(
      `${input.data}: split ${input.split} has ${index} samples but the partial result ${skip.from} already settled ${skip.settled}: the dataset changed since; run again without --resume`,
    )
  }
}

/** An empty split is a usage error naming the splits that do hold samples. */
function emptySplitMessage(input: LoopInput): string {
  const found = input.adapter.splitsFound?.()
  const present = found
    ? Object.entries(found)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} (${n} rows)`)
    : [...input.adapter.splits()]
  return `--split ${input.split}: ${input.data} has no ${input.adapter.name} samples in split ${input.split}; ${found ? 'splits present' : 'its splits'}: ${present.join(', ') || 'none'}`
}

interface Pending {
  sample: Sample
  /** Content hash of the decoded pixels (UNREADABLE for a sample that failed to load). */
  content: string
  column: number
  /** Rows this sample fills, or 0 for a sample that failed to load. */
  views: number
  error?: unknown
  attributes?: ReadonlyMap<string, string>
}

/**
 * The streaming eval loop: samples → (prefetched) load and preprocess → batches → runner →
 * scores → state. Samples are settled in stream order, so a stopped run has settled exactly a
 * prefix of the stream. Returns false when stopped by `signal` before the stream ended.
 */
export async function runEvalLoop(input: LoopInput, state: EvalState): Promise<boolean> {
  const { runner, card, mapping } = input
  const classes = card.labels.length
  const { height, width, channels, layout } = card.input
  const rowFloats = height * width * channels
  const dims =
    layout === 'NCHW' ? [input.rowsPerCall, channels, height, width] : [input.rowsPerCall, height, width, channels]
  // A runner that makes the floats itself (runPixels: the ONNX runner process, tfjs worker threads)
  // is given the rows as 8-bit pixels with the card's scale: a quarter of the bytes to copy, and no
  // float writing on this thread. Otherwise the rows are written here as floats (writeTensor).
  const byPixels = runner.runPixels !== undefined
  const scale = pixelScale(card)
  const pixels = byPixels ? new Uint8Array(input.rowsPerCall * rowFloats) : undefined
  const buffer = byPixels ? undefined : new Float32Array(input.rowsPerCall * rowFloats)
  // A runner off the main thread has copied the batch when run() returns: the next batch is read
  // and preprocessed while this one runs, and a group of samples is scored when the next is sent.
  const overlap = runner.busyMs !== undefined
  const busyAtStart = runner.busyMs ?? 0
  let rows = 0
  // A stop signal gives the calls in flight SIGNAL_GRACE_MS, then gives them up.
  const grace = stopGrace(input.signal, runner)
  let group: Group = { pending: [], calls: [] }
  /** Closed groups not yet scored, in stream order (when overlapping, at most one per engine: runner.parallelCalls). */
  const unscored: Group[] = []
  const probabilities = new Float64Array(mapping.columns.length)

  const flushRows = async (): Promise<void> => {
    if (rows === 0) return
    const callRows = card.fixedBatch ?? rows
    const used = rows
    const callDims = [callRows, ...dims.slice(1)]
    rows = 0
    const t0 = performance.now()
    let run: Promise<Float32Array>
    if (pixels && runner.runPixels) {
      // the rows past `used` of a fixed batch are zeros as floats, as below
      run = runner.runPixels(pixels.subarray(0, used * rowFloats), used, scale, callDims)
    } else {
      const floats = buffer!
      const batch = floats.length === callRows * rowFloats ? floats : floats.subarray(0, callRows * rowFloats)
      if (card.fixedBatch !== undefined && used < card.fixedBatch) batch.fill(0, used * rowFloats)
      run = runner.run(batch, callDims)
    }
    const call = grace.race(run).then((out) => {
      if (out.length !== callRows * classes) {
        throw modelError(
          `${input.modelPath}: returned ${out.length} scores for ${callRows} rows; expected ${callRows}×${classes} (card labels)`,
        )
      }
      return out.slice(0, used * classes)
    })
    if (overlap) {
      call.catch(() => undefined) // awaited (and thrown) when its group is scored
      group.calls.push(call)
      return
    }
    group.calls.push(Promise.resolve(await call))
    state.stagesMs.infer += performance.now() - t0
  }

  const score = async ({ pending, calls }: Group): Promise<void> => {
    const outs = await Promise.all(calls)
    for (const out of outs) state.outputs?.addRows(out, out.length / classes)
    const t0 = performance.now()
    const all = outs.length === 1 ? outs[0]! : concatFloats(outs)
    let row = 0
    for (const p of pending) {
      const { sample } = p
      const identity = { id: sample.id, label: sample.label, content: p.content }
      if (p.views === 0) {
        state.fail(identity, { id: sample.id, source: sample.source, error: messageOf(p.error) })
        continue
      }
      const combined = combineViews(all, row, p.views, classes, card)
      row += p.views
      const notFinite = nonFiniteScores(combined, mapping)
      if (notFinite) {
        state.fail(identity, { id: sample.id, source: sample.source, error: notFinite })
        continue
      }
      const predicted = predictColumn(combined, 0, mapping)
      // first: a sample its slice refuses (too many groups) is not scored either
      state.slices?.add(p.attributes, p.column, predicted)
      state.score(identity, p.column, predicted)
      state.calibration.add(columnProbabilities(combined, mapping, card.output, 1, probabilities), p.column)
      if (state.scaled)
        state.scaled.calibration.add(
          columnProbabilities(combined, mapping, card.output, state.scaled.temperature, probabilities),
          p.column,
        )
      input.onScores?.(combined, p.column)
      state.predictions?.push({
        id: sample.id,
        truth: sample.label,
        predicted: mapping.columns[predicted]!,
        content: contentKey(p.content),
        top: state.keepScores ? topScores(combined, mapping.modelToColumn, mapping.columns, 3) : [],
      })
    }
    state.stagesMs.metrics += performance.now() - t0
    input.onProgress?.(state.settled)
    if (DEBUG_DELAY_MS > 0) process.stderr.write(`ferbench debug: ${state.settled} samples settled\n`)
  }

  /** Scores the oldest unscored group (stream order, so the settled samples stay a prefix of the stream). */
  const scoreOldest = async (): Promise<void> => {
    await score(unscored[0]!)
    unscored.shift()
  }

  /** Ends the group being filled: scores it now, or (overlap) scores the one in flight and leaves this one running. */
  const closeGroup = async (): Promise<void> => {
    unscored.push(group)
    group = { pending: [], calls: [] }
    while (unscored.length > (overlap ? (runner.parallelCalls ?? 1) : 0)) await scoreOldest()
  }

  let stopped = false
  const decodeSlots = pLimit(DECODE_SLOTS)
  try {
    for await (const outcome of prefetch(samplesToRun(input, state), input.concurrency, (s) =>
      decodeSlots(() => prepare(s, input)),
    )) {
      if (!outcome.ok) throw outcome.error // preprocessing bug or card problem: not a per-sample failure
      const item = outcome.value
      const column = mapping.columns.indexOf(item.sample.label)
      state.stagesMs.read += item.readMs
      state.loadMs += item.readMs
      if ('error' in item) {
        if (input.strict || item.error instanceof FerbenchError)
          throw item.error instanceof FerbenchError
            ? item.error
            : dataError(`${item.sample.source}: ${messageOf(item.error)} (--strict)`)
        group.pending.push({ sample: item.sample, content: UNREADABLE, column, views: 0, error: item.error })
      } else {
        state.stagesMs.preprocess += item.preprocessMs
        state.images.add(item.loaded, item.sample.source)
        for (const view of item.views) {
          if (rows === input.rowsPerCall) await flushRows()
          if (pixels) {
            checkInputSize(view, card)
            pixels.set(view.data.subarray(0, rowFloats), rows * rowFloats)
          } else writeTensor(view, card, buffer!, rows * rowFloats)
          rows += 1
        }
        group.pending.push({
          sample: item.sample,
          content: item.content,
          column,
          views: item.views.length,
          ...(item.attributes ? { attributes: item.attributes } : {}),
        })
      }
      if (rows === input.rowsPerCall && group.pending.length >= input.batch) {
        await flushRows()
        await closeGroup()
      } else if (rows === 0 && group.pending.length > 0) {
        await closeGroup() // only failed samples are waiting: settle them now (a long run of bad files holds nothing)
      }
      if (input.signal?.aborted) {
        stopped = true
        break
      }
    }
    await flushRows()
    await closeGroup()
    while (unscored.length > 0) await scoreOldest()
  } catch (error) {
    // Settle what already ran before the error ends the run, as a serial loop would have. A data
    // error (a bad row in the list, --strict) also runs the samples read before it, so the partial
    // result keeps every one of them.
    try {
      if (error instanceof FerbenchError && error.kind === 'data') {
        await flushRows()
        unscored.push(group)
        group = { pending: [], calls: [] }
      }
      while (unscored.length > 0) await scoreOldest()
    } catch {
      // that group's inference failed too: the samples before it stay settled
    }
    // Stopped by a signal with calls that never returned: the samples settled so far are the partial result.
    if (error instanceof InferenceAbandoned) return false
    throw error
  } finally {
    grace.dispose()
    if (overlap) state.stagesMs.infer += (runner.busyMs ?? 0) - busyAtStart
  }
  return !stopped
}

/** Samples whose rows went into the same inference calls, scored together. */
interface Group {
  pending: Pending[]
  calls: Array<Promise<Float32Array>>
}
