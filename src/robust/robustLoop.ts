import { performance } from 'node:perf_hooks'
import { setImmediate, setTimeout as sleep } from 'node:timers/promises'
import pLimit from 'p-limit'
import { DECODE_SLOTS } from '../datasets/decodeLimits.js'
import type { Sample } from '../datasets/types.js'
import type { RawImage } from '../base/image.js'
import { predictColumn } from '../base/labelMapping.js'
import { prepareViews, prepareViewsNow } from '../card/tensor.js'
import { checkInputSize, pixelScale, pixelsToBatch } from '../card/pixelTensor.js'
import { DatasetDigest, UNREADABLE, contentHash, contentKey, sampleDigestHash } from '../base/datasetDigest.js'
import { FerbenchError, dataError, messageOf, modelError } from '../base/errors.js'
import type { Corruption } from '../results/robustDocument.js'
import type { EvalState } from '../engine/evalState.js'
import { samplesToRun, type LoopInput } from '../engine/evalLoop.js'
import { prefetch } from '../engine/prefetch.js'
import { columnProbabilities, combineViews, nonFiniteScores, topScores } from '../engine/scoring.js'
import { InferenceAbandoned, stopGrace } from '../engine/stopGrace.js'

/** Test hook, as in src/engine/evalLoop.ts: FERBENCH_DEBUG_SAMPLE_DELAY_MS slows each sample and reports settled counts on stderr. Not a user setting. */
const DEBUG_DELAY_MS = Number(process.env.FERBENCH_DEBUG_SAMPLE_DELAY_MS ?? 0)

/** One corrupted condition: a corruption at a severity (1–5). */
export interface Condition {
  corruption: Corruption
  severity: number
}

/** What one condition has settled: scored and correct samples, failures, and the digest of the scored ones. */
export class ConditionTally {
  correct: number
  scored: number
  failures: number
  readonly digest: DatasetDigest

  constructor(saved?: { correct: number; samples: number; failures: number; digest: string }) {
    this.correct = saved?.correct ?? 0
    this.scored = saved?.samples ?? 0
    this.failures = saved?.failures ?? 0
    this.digest = new DatasetDigest(saved?.digest)
  }
}

/**
 * Corrupts decoded images under every condition: result[i][c] is image i under condition c, or the
 * error corrupting it failed with (src/robust/corruptBatch.ts).
 */
export type CorruptMany = (
  images: readonly RawImage[],
  samples: readonly Sample[],
  conditions: readonly Condition[],
) => Promise<Array<Array<{ image: RawImage } | { error: unknown }>>>

/** Decoded bytes (all conditions together) one chunk of samples may hold while being corrupted. */
const CHUNK_BYTES = 16 * 2 ** 20
/**
 * Samples in the first chunk, and at most in any. A chunk is corrupted while the one before it is
 * in inference: the first is small, so inference starts soon; each next one doubles (once the first
 * image's size is known) up to MAX_CHUNK_SAMPLES, for gray JPEG, the one filter still run by sharp,
 * once per chunk on its faces stacked. Larger chunks gave nothing more once the other filters ran in
 * JavaScript (the bench's 981 faces: 4.8–5.2 s wall at 32, 64, 128 or 256) and held more memory
 * (peak RSS 267–283 MB at 32, 274–281 at 64, 310–368 at 256). The first chunk is 8 samples since
 * the kernels moved to WebAssembly (src/robust/wasm/): the runner's first session is ready before the
 * command, whose first chunk is all that stands between them (the robust bench: 2.77 s against 2.82 s
 * wall at 32, six alternated pairs).
 */
const FIRST_CHUNK_SAMPLES = 8
const MAX_CHUNK_SAMPLES = 64
/**
 * Pixels of the batches queued at an off-thread runner at most. Corrupting a chunk holds the main
 * thread for a while (the JavaScript filters run there), and a runner that finishes its queue
 * meanwhile waits: 16 MiB is about 7,000 rows of 48×48 gray, a few hundred milliseconds of inference,
 * so it keeps working (the runner process holds them as floats: 64 MiB).
 */
const QUEUED_PIXEL_BYTES = 16 * 2 ** 20

/**
 * Rows of the inference batches sent to an engine off the main thread in one message, where the
 * runner takes groups (Runner.groupsBatches): each batch still runs as its own inference call, at the
 * size asked for, but one message instead of eight wakes the runner's threads. The robust bench
 * (981 faces × 51 conditions, batch 32): 2.45–2.50 s wall with 8 or 16 batches a message against
 * 2.76 s with one (five alternated runs each, docs/performance.md).
 */
const GROUP_ROWS = 256
/**
 * Test hook: FERBENCH_DEBUG_NO_BATCH_GROUPS=1 sends one batch per message, as FERBENCH_DEBUG_SAMPLE_DELAY_MS
 * does (its samples settle one by one). Not a user setting.
 */
const NO_GROUPS = process.env.FERBENCH_DEBUG_NO_BATCH_GROUPS === '1'

/** The scores of one (sample, condition): its views' rows, filled as the batches holding them return. */
interface Item {
  views: number
  scores: Float32Array
  filled: number
  error?: unknown
}

/** One sample in flight: its clean item (index 0) and one item per condition, settled together. */
interface Work {
  sample: Sample
  content: string
  column: number
  loadError?: unknown
  items: Item[]
  rowsLeft: number
}

type Prepared =
  | { sample: Sample; content: string; views: RawImage[][]; errors: unknown[]; readMs: number; preprocessMs: number }
  | { sample: Sample; loadError: unknown; readMs: number }

/**
 * The loop of `ferbench robust`, in place of eval's (EvalRun.loop): one pass over the samples in
 * which each image is decoded once, corrupted under every condition, and all its rows (clean and
 * corrupted) go into the same full batches. A sample is settled, in stream order, when every one
 * of its rows has been scored: the clean outcome into `state` exactly as the eval loop would
 * settle it, each condition's into its tally. Returns false when stopped by the signal.
 */
export function robustLoop(
  conditions: readonly Condition[],
  tallies: readonly ConditionTally[],
  corruptMany: CorruptMany,
): (input: LoopInput, state: EvalState) => Promise<boolean> {
  return async (input, state) => {
    const { runner, card, mapping } = input
    const classes = card.labels.length
    const { height, width, channels, layout } = card.input
    const rowFloats = height * width * channels
    const overlap = runner.busyMs !== undefined
    // Batches per message: a group where the runner takes them (each batch still its own inference call)
    const group =
      overlap &&
      runner.groupsBatches &&
      runner.runPixels &&
      card.fixedBatch === undefined &&
      !NO_GROUPS &&
      DEBUG_DELAY_MS <= 0
        ? Math.max(1, Math.floor(GROUP_ROWS / input.rowsPerCall))
        : 1
    const messageRows = input.rowsPerCall * group
    const dims = layout === 'NCHW' ? [messageRows, channels, height, width] : [messageRows, height, width, channels]
    // Rows are gathered as pixels; the runner process makes them floats where it can (runPixels:
    // a quarter of the bytes through its IPC channel), else they are made floats here.
    const pixels = new Uint8Array(messageRows * rowFloats)
    const scale = pixelScale(card)
    const maxQueued = overlap
      ? Math.max(1 + (runner.parallelCalls ?? 1), Math.floor(QUEUED_PIXEL_BYTES / (messageRows * rowFloats)))
      : 0
    const busyAtStart = runner.busyMs ?? 0
    // A stop signal gives the calls in flight SIGNAL_GRACE_MS, then gives them up (src/engine/stopGrace.ts).
    const grace = stopGrace(input.signal, runner)
    const probabilities = new Float64Array(mapping.columns.length)
    /** The sample and item of each row in the buffer, and of each call in flight. */
    let tags: Array<{ work: Work; item: Item }> = []
    type Call = { call: Promise<Float32Array>; tags: typeof tags }
    /**
     * Each call's scores are taken in as soon as it returns, in the order the calls were made (so
     * samples settle, and progress moves, while the main thread waits for the next chunk): `done`
     * holds, per call not yet taken in, the promise of its intake; `received`, the intake of the last
     * call made; `failure`, the first call that failed (thrown by the loop at its next wait).
     */
    const done: Array<Promise<void>> = []
    let received: Promise<void> = Promise.resolve()
    let failure: { error: unknown } | undefined
    const rethrow = (): void => {
      if (failure) throw failure.error
    }
    /** Samples not yet settled, in stream order. */
    const open: Work[] = []

    const settle = (work: Work): void => {
      const t0 = performance.now()
      const { sample } = work
      const identity = { id: sample.id, label: sample.label, content: work.content }
      if (work.loadError !== undefined) {
        state.fail(identity, { id: sample.id, source: sample.source, error: messageOf(work.loadError) })
        for (const tally of tallies) tally.failures += 1
      } else {
        const clean = work.items[0]!
        state.outputs?.addRows(clean.scores, clean.views)
        const combined = combineViews(clean.scores, 0, clean.views, classes, card)
        const notFinite = nonFiniteScores(combined, mapping)
        if (notFinite) state.fail(identity, { id: sample.id, source: sample.source, error: notFinite })
        else {
          const predicted = predictColumn(combined, 0, mapping)
          state.score(identity, work.column, predicted)
          state.calibration.add(columnProbabilities(combined, mapping, card.output, 1, probabilities), work.column)
          state.predictions?.push({
            id: sample.id,
            truth: sample.label,
            predicted: mapping.columns[predicted]!,
            content: contentKey(work.content),
            top: state.keepScores ? topScores(combined, mapping.modelToColumn, mapping.columns, 3) : [],
          })
        }
        const digest = sampleDigestHash(identity)
        for (let c = 0; c < tallies.length; c++) {
          const item = work.items[c + 1]!
          const tally = tallies[c]!
          if (item.error !== undefined) {
            tally.failures += 1
            continue
          }
          const scores = combineViews(item.scores, 0, item.views, classes, card)
          if (nonFiniteScores(scores, mapping)) {
            tally.failures += 1
            continue
          }
          tally.scored += 1
          if (predictColumn(scores, 0, mapping) === work.column) tally.correct += 1
          tally.digest.addHash(digest)
        }
      }
      state.stagesMs.metrics += performance.now() - t0
    }

    const settleReady = (): void => {
      let settledAny = false
      while (open.length > 0 && open[0]!.rowsLeft === 0) {
        settle(open.shift()!)
        settledAny = true
      }
      if (!settledAny) return
      input.onProgress?.(state.settled)
      if (DEBUG_DELAY_MS > 0) process.stderr.write(`ferbench debug: ${state.settled} samples settled\n`)
    }

    const receive = async (entry: Call): Promise<void> => {
      const out = await entry.call
      entry.tags.forEach(({ work, item }, row) => {
        item.scores.set(out.subarray(row * classes, (row + 1) * classes), item.filled * classes)
        item.filled += 1
        work.rowsLeft -= 1
      })
      settleReady()
    }

    const flush = async (): Promise<void> => {
      const rows = tags.length
      if (rows === 0) return
      const callRows = card.fixedBatch ?? rows
      const callDims = [callRows, ...dims.slice(1)]
      const rowPixels = pixels.subarray(0, rows * rowFloats)
      const t0 = performance.now()
      const run = runner.runPixels
        ? runner.runPixels(rowPixels, rows, scale, callDims, group > 1 ? input.rowsPerCall : undefined)
        : runner.run(pixelsToBatch(rowPixels, rows, scale, callRows * rowFloats), callDims)
      const call = grace.race(run).then((out) => {
        if (out.length !== callRows * classes) {
          throw modelError(
            `${input.modelPath}: returned ${out.length} scores for ${callRows} rows; expected ${callRows}×${classes} (card labels)`,
          )
        }
        return out
      })
      call.catch(() => undefined) // awaited (and thrown) by receive
      const entry: Call = { call, tags }
      received = received.then(() =>
        receive(entry).catch((error: unknown) => {
          failure ??= { error }
        }),
      )
      done.push(received)
      tags = []
      // Out to the runner now: a call posted goes at the end of this turn of the event loop, and corrupting
      // a chunk and gathering its rows holds the turn for tens of milliseconds (the first message of the
      // robust bench left 70 ms later without this, and later ones in bursts while the engines waited)
      if (overlap) await setImmediate()
      // Off the main thread the buffer was copied: keep batches queued beyond those running (up to
      // QUEUED_PIXEL_BYTES, at least one per engine), so no engine waits on us.
      while (done.length > maxQueued) await done.shift()!
      rethrow()
      if (!overlap) state.stagesMs.infer += performance.now() - t0
    }

    /** Samples per chunk so far, and at most: fewer for large images (set from the first decoded image). */
    let chunkSamples = DEBUG_DELAY_MS > 0 ? 1 : FIRST_CHUNK_SAMPLES
    let chunkCap: number | undefined
    async function* chunks(source: AsyncIterable<Sample>): AsyncGenerator<Sample[]> {
      let chunk: Sample[] = []
      for await (const sample of source) {
        chunk.push(sample)
        if (chunk.length >= chunkSamples) {
          yield chunk
          chunk = []
          if (chunkCap !== undefined) chunkSamples = Math.min(chunkSamples * 2, chunkCap)
        }
      }
      if (chunk.length > 0) yield chunk
    }

    const slots = pLimit(DECODE_SLOTS)
    const load = async (
      sample: Sample,
    ): Promise<{ sample: Sample; image: RawImage; content: string } | { sample: Sample; loadError: unknown }> => {
      try {
        const image = await sample.load()
        // the decoded pixels as read, before any corruption or preprocessing
        return { sample, image, content: contentHash(image) }
      } catch (loadError) {
        return { sample, loadError }
      }
    }

    /** Decodes a chunk of samples, corrupts them together under every condition, preprocesses every image. */
    const prepare = async (samples: readonly Sample[]): Promise<Prepared[]> => {
      const t0 = performance.now()
      const loaded = await Promise.all(samples.map((s) => slots(() => load(s))))
      const t1 = performance.now()
      const readMs = (t1 - t0) / samples.length
      const ok = loaded.flatMap((l) => ('image' in l ? [l] : []))
      if (ok.length > 0) {
        const { width, height, channels } = ok[0]!.image
        const bytes = width * height * channels * (1 + conditions.length)
        if (DEBUG_DELAY_MS <= 0 && chunkCap === undefined) {
          chunkCap = Math.max(1, Math.min(MAX_CHUNK_SAMPLES, Math.floor(CHUNK_BYTES / bytes)))
          chunkSamples = Math.min(chunkSamples, chunkCap)
        }
      }
      const corrupted = await corruptMany(
        ok.map((l) => l.image),
        ok.map((l) => l.sample),
        conditions,
      )
      const prepared: Prepared[] = []
      let k = 0
      for (const l of loaded) {
        if (!('image' in l)) {
          prepared.push({ sample: l.sample, loadError: l.loadError, readMs })
          continue
        }
        const views: RawImage[][] = [await prepareViews(l.image, card)]
        const errors: unknown[] = [undefined]
        for (const c of corrupted[k++]!) {
          if ('error' in c) {
            views.push([])
            errors.push(c.error)
          } else {
            // without a wait where no resize is needed (prepareViewsNow): one per image and condition
            views.push(prepareViewsNow(c.image, card) ?? (await prepareViews(c.image, card)))
            errors.push(undefined)
          }
        }
        prepared.push({ sample: l.sample, content: l.content, views, errors, readMs, preprocessMs: 0 })
      }
      const each = (performance.now() - t1) / samples.length
      for (const p of prepared) if ('views' in p) p.preprocessMs = each
      if (DEBUG_DELAY_MS > 0) await sleep(DEBUG_DELAY_MS * samples.length)
      return prepared
    }

    const strictError = (sample: Sample, error: unknown): FerbenchError =>
      error instanceof FerbenchError ? error : dataError(`${sample.source}: ${messageOf(error)} (--strict)`)

    let stopped = false
    try {
      // a chunk is decoded and corrupted while the one before it is in inference
      chunkLoop: for await (const outcome of prefetch(
        chunks(samplesToRun(input, state)),
        Math.min(2, input.concurrency),
        prepare,
      )) {
        if (!outcome.ok) throw outcome.error // preprocessing bug or card problem: not a per-sample failure
        for (const p of outcome.value) {
          state.stagesMs.read += p.readMs
          state.loadMs += p.readMs
          const column = mapping.columns.indexOf(p.sample.label)
          if ('loadError' in p) {
            if (input.strict || p.loadError instanceof FerbenchError) throw strictError(p.sample, p.loadError)
            open.push({ sample: p.sample, content: UNREADABLE, column, loadError: p.loadError, items: [], rowsLeft: 0 })
          } else {
            state.stagesMs.preprocess += p.preprocessMs
            const failed = p.errors.find((e) => e !== undefined)
            if (failed !== undefined && (input.strict || failed instanceof FerbenchError))
              throw strictError(p.sample, failed)
            const work: Work = { sample: p.sample, content: p.content, column, items: [], rowsLeft: 0 }
            open.push(work)
            p.views.forEach((views, i) => {
              const item: Item = { views: views.length, scores: new Float32Array(views.length * classes), filled: 0 }
              if (p.errors[i] !== undefined) item.error = p.errors[i]
              work.items.push(item)
              work.rowsLeft += views.length
            })
            for (let i = 0; i < p.views.length; i++) {
              for (const view of p.views[i]!) {
                if (tags.length === messageRows) await flush()
                checkInputSize(view, card)
                pixels.set(view.data.subarray(0, rowFloats), tags.length * rowFloats)
                tags.push({ work, item: work.items[i]! })
              }
            }
          }
          if (tags.length === messageRows) await flush()
          settleReady() // samples with no rows (failed to load) settle as soon as those before them have
          if (input.signal?.aborted) {
            stopped = true
            break chunkLoop
          }
        }
      }
      await flush()
      await received
      rethrow()
    } catch (error) {
      // Settle what already ran before the error ends the run.
      // (a batch that failed too leaves the samples before it settled)
      await received
      // Stopped by a signal with calls that never returned: the samples settled so far are the partial result.
      if (error instanceof InferenceAbandoned) return false
      throw error
    } finally {
      grace.dispose()
      if (overlap) state.stagesMs.infer += (runner.busyMs ?? 0) - busyAtStart
    }
    return !stopped
  }
}
