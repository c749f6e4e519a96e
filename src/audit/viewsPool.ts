/**
 * Worker threads that compute images' view parts (src/audit/imageSignature.ts: the base, the views' hashes and
 * grids), the costly part of the duplicate audit that does not depend on the index, so that the main thread
 * can probe and align while they hash. Each image goes to the worker with the fewest images waiting (ties: the
 * first); a view part is a pure function of the image, so the answers do not depend on the number of workers.
 * They also align candidate pairs (src/audit/alignPair.ts: a pure function of the two bases), which the index
 * does not wait for, so the main thread goes on probing meanwhile.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { RawImage } from '../base/image.js'
import { alignPair, type Alignment, type PairMatch } from './alignPair.js'
import { viewParts, type ViewParts } from './imageSignature.js'

export type ViewsRequest =
  | { kind: 'views'; id: number; data: Uint8Array; width: number; height: number; channels: 1 | 3 }
  | { kind: 'align'; id: number; copy: Uint8Array; pairs: AlignJob[]; minSimilarity: number }

/** One pair to align: the earlier image's base and where the search starts (the newer image's base is the request's copy). */
export interface AlignJob {
  stored: Uint8Array
  hint: Alignment
}

/** What a view worker is started with: where it counts the requests it has finished (its index in `finished`). */
export interface ViewsWorkerData {
  finished: Int32Array
  index: number
}

export type ViewsReply =
  | { id: number; parts: ViewParts }
  | { id: number; matches: PairMatch[] }
  | { id: number; error: string }

/** alignPair of each job against the copy, in order. */
export function alignJobs(copy: Uint8Array, pairs: readonly AlignJob[], minSimilarity: number): PairMatch[] {
  return pairs.map((p) => alignPair(p.stored, copy, p.hint, minSimilarity))
}

/** Worker threads when not told: one fewer than the cores this process may use (the main thread probes and aligns), at most 3. */
export function defaultViewWorkers(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1))
}

function workerUrl(): URL {
  const sibling = new URL('./viewsWorker.js', import.meta.url)
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL('../../dist/audit/viewsWorker.js', import.meta.url)
}

/** Requests unfinished on each worker from which the calling thread aligns pairs itself. */
const ALIGN_HERE_BACKLOG = 3

interface Pending {
  resolve: (reply: ViewsReply) => void
  reject: (error: Error) => void
}

/** `workers` threads (0: computed on the calling thread). */
export class ViewsPool {
  private readonly workers: Worker[] = []
  private readonly waiting: number[] = []
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private failure: Error | undefined

  /** Per worker: requests sent, and requests it has finished (counted by the worker itself, in shared memory). */
  private readonly sent: number[] = []
  private readonly finished: Int32Array

  constructor(workers: number) {
    this.finished = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, workers)))
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(workerUrl(), { workerData: { finished: this.finished, index: w } })
      worker.on('message', (reply: ViewsReply) => {
        this.waiting[w]! -= 1
        const p = this.pending.get(reply.id)
        this.pending.delete(reply.id)
        if (!p) return
        if ('error' in reply) p.reject(new Error(`computing an image's views or alignments failed: ${reply.error}`))
        else p.resolve(reply)
      })
      worker.on('error', (error) => this.fail(error))
      worker.on('exit', (code) => {
        if (this.pending.size > 0)
          this.fail(new Error(`the audit's view worker exited (code ${code}) with images pending`))
      })
      this.workers.push(worker)
      this.waiting.push(0)
      this.sent.push(0)
    }
  }

  /** Requests worker w has not finished yet (its own count of finished ones: not delayed by this thread's queue of replies). */
  private unfinished(w: number): number {
    return this.sent[w]! - Atomics.load(this.finished, w)
  }

  get size(): number {
    return this.workers.length
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const p of this.pending.values()) p.reject(this.failure)
    this.pending.clear()
  }

  /** The view parts of one image (its pixels are copied to the worker). */
  async compute(image: RawImage): Promise<ViewParts> {
    if (this.workers.length === 0) return viewParts(image)
    const data = image.data.slice()
    const reply = await this.send(
      { kind: 'views', id: 0, data, width: image.width, height: image.height, channels: image.channels },
      [data.buffer as ArrayBuffer],
    )
    if (!('parts' in reply)) throw new Error('internal: a view worker answered a views request with no view parts')
    return reply.parts
  }

  /**
   * alignPair of each job against `copy`, in order: on a worker (the bases are copied), or on this thread while every
   * worker is still working through ALIGN_HERE_BACKLOG requests or more (they are behind, so this thread would only
   * wait for them). alignPair is a pure function of its arguments: where it runs changes no answer.
   */
  async align(copy: Uint8Array, pairs: AlignJob[], minSimilarity: number): Promise<PairMatch[]> {
    if (this.workers.length === 0 || this.workers.every((_, w) => this.unfinished(w) >= ALIGN_HERE_BACKLOG))
      return alignJobs(copy, pairs, minSimilarity)
    const reply = await this.send({ kind: 'align', id: 0, copy, pairs, minSimilarity }, [])
    if (!('matches' in reply)) throw new Error('internal: a view worker answered an align request with no matches')
    return reply.matches
  }

  /** Sends a request to the worker with the fewest waiting (ties: the first). */
  private send(request: ViewsRequest, transfer: ArrayBuffer[]): Promise<ViewsReply> {
    if (this.failure) return Promise.reject(this.failure)
    let w = 0
    for (let i = 1; i < this.workers.length; i++) if (this.waiting[i]! < this.waiting[w]!) w = i
    const id = this.nextId++
    return new Promise<ViewsReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.waiting[w]! += 1
      this.sent[w]! += 1
      this.workers[w]!.postMessage({ ...request, id }, transfer)
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
