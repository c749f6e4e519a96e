import pLimit from 'p-limit'
import type { RawImage } from '../base/image.js'
import { DECODE_SLOTS } from '../datasets/decodeLimits.js'
import type { Sample } from '../datasets/types.js'

/** Samples listed ahead of the eval loop while the model opens (Sample objects: ids, labels, sources). */
const READ_AHEAD_SAMPLES = 1024
/** Decoded bytes the loads started ahead may hold in all (at most DECODE_SLOTS decode at once). */
const READ_AHEAD_BYTES = 64 * 1024 * 1024

/**
 * The samples of one split, read while the model opens (`ferbench eval` waits for the runner's session
 * before its loop starts): the adapter's stream is listed up to READ_AHEAD_SAMPLES samples ahead, and
 * the images of those `loadAhead` accepts (the loop would load them: the samples of its shard) are
 * loaded, DECODE_SLOTS at a time, up to READ_AHEAD_BYTES. Iterating it hands the stream over to the
 * eval loop: the same samples in the same order, then the rest of the stream as it comes (nothing is
 * read ahead any more), and an error of the stream at the same place (after the samples before it).
 * A sample loaded ahead keeps that load: its `load()` returns it, so each image is decoded once, with
 * the same outcome. `close()` ends the reading (and the stream: a reader thread) when the loop never
 * takes it over (an error before the loop); an error of the stream or of a load that nobody reads is
 * then dropped, as it was never reached. The adapter's warnings that reading pushed past the samples
 * the loop took (a run stopped early) are left out by `warningsTaken`, as they were never reached.
 */
export class ReadAhead implements AsyncIterable<Sample> {
  private readonly buffered: Sample[] = []
  /** How many of the adapter's warnings there were when each buffered sample was read. */
  private readonly warningsAt: number[] = []
  private readonly warningsAtStart: number
  /** Samples the loop took from the buffer; whether it read on past it (or to the stream's end). */
  private taken = 0
  private allTaken = false
  private iterator: AsyncIterator<Sample> | undefined
  /** The stream ended (done, or with `error`) while reading ahead. */
  private ended: { error?: unknown } | undefined
  private stopped = false
  private takenOver = false
  private readonly reading: Promise<void>
  private readonly slots = pLimit(DECODE_SLOTS)
  private bytesLoaded = 0

  /** `warnings`: the adapter's warnings (appended to while its stream is read); `limits`: READ_AHEAD_SAMPLES and READ_AHEAD_BYTES unless given. */
  constructor(
    open: () => AsyncIterable<Sample>,
    private readonly loadAhead: (sample: Sample) => boolean,
    private readonly warnings: readonly string[],
    private readonly limits: { samples: number; bytes: number } = {
      samples: READ_AHEAD_SAMPLES,
      bytes: READ_AHEAD_BYTES,
    },
  ) {
    this.warningsAtStart = warnings.length
    this.reading = this.read(open)
  }

  private async read(open: () => AsyncIterable<Sample>): Promise<void> {
    try {
      this.iterator = open()[Symbol.asyncIterator]()
      while (!this.stopped && this.buffered.length < this.limits.samples) {
        const next = await this.iterator.next()
        if (next.done) {
          this.ended = {}
          return
        }
        this.buffered.push(this.loadAhead(next.value) ? this.startLoad(next.value) : next.value)
        this.warningsAt.push(this.warnings.length)
      }
    } catch (error) {
      this.ended = { error }
    }
  }

  /**
   * Starts loading `sample` (in a decode slot, unless the loop has taken over or the byte budget is
   * spent by then): the sample handed on (the original as its prototype: id, label, attributes) loads
   * by that outcome, or as the original when the load was not made ahead.
   */
  private startLoad(sample: Sample): Sample {
    const load = sample.load.bind(sample)
    const loaded = this.slots(async (): Promise<RawImage | undefined> => {
      if (this.stopped || this.bytesLoaded >= this.limits.bytes) return undefined
      const image = await load()
      this.bytesLoaded += image.data.byteLength
      return image
    })
    loaded.catch(() => undefined) // read (and thrown) by whoever loads the sample
    return Object.create(sample, {
      load: { value: async () => (await loaded) ?? load(), enumerable: true },
    }) as Sample
  }

  /** The eval loop takes the stream over: what was read ahead, then the rest of the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Sample> {
    if (this.takenOver) throw new Error('internal: a read-ahead stream is taken over once')
    this.takenOver = true
    this.stopped = true
    await this.reading
    try {
      // shifted, not indexed: a sample (and an image loaded ahead) is not held once the loop has it
      while (this.buffered.length > 0) {
        const sample = this.buffered.shift()!
        this.taken += 1
        yield sample
      }
      this.allTaken = true
      if (this.ended) {
        if ('error' in this.ended) throw this.ended.error
        return
      }
      const iterator = this.iterator!
      for (;;) {
        const next = await iterator.next()
        if (next.done) return
        yield next.value
      }
    } finally {
      this.buffered.length = 0
      if (!this.ended) await this.iterator?.return?.(undefined)
    }
  }

  /**
   * The adapter's warnings as far as the loop read the stream: all of them when it read past what was
   * read ahead, else those pushed until the last sample it took was read.
   */
  warningsTaken(): readonly string[] {
    if (this.allTaken) return this.warnings
    const at = this.taken > 0 ? this.warningsAt[this.taken - 1]! : this.warningsAtStart
    return this.warnings.slice(0, at)
  }

  /** Stops reading ahead; when the loop never took the stream over, ends it (and its reader). Safe to call twice. */
  async close(): Promise<void> {
    this.stopped = true
    await this.reading
    if (this.takenOver || this.ended) return
    this.ended = {}
    this.buffered.length = 0
    this.warningsAt.length = 0
    await this.iterator?.return?.(undefined)
  }
}

/** How long the model may take to open before the split is read ahead: an idle machine has the runner ready by then, and reads nothing twice. */
const READ_AHEAD_AFTER_MS = 20

/**
 * Opens the model (`open`); when that is still under way after READ_AHEAD_AFTER_MS (the runner's
 * session is not ready yet), `start` begins reading the split ahead meanwhile. Returns what `open`
 * returned and the read-ahead, if one began. When `open` fails, a read-ahead is closed before its
 * error goes on. Test hook: FERBENCH_DEBUG_READ_AHEAD=always|never reads ahead from the start or
 * never, so tests can compare both ways. Not a user setting.
 */
export async function whileOpening<T>(
  open: () => Promise<T>,
  start: (() => ReadAhead) | undefined,
): Promise<{ opened: T; readAhead: ReadAhead | undefined }> {
  const mode = process.env.FERBENCH_DEBUG_READ_AHEAD
  let readAhead: ReadAhead | undefined
  let timer: NodeJS.Timeout | undefined
  if (start && mode === 'always') readAhead = start()
  else if (start && mode !== 'never')
    timer = setTimeout(() => {
      readAhead = start()
    }, READ_AHEAD_AFTER_MS)
  try {
    const opened = await open()
    return { opened, readAhead }
  } catch (error) {
    await readAhead?.close()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
