/**
 * Worker threads that compute images' view parts (src/audit/imageSignature.ts: the base, the views' hashes and
 * grids), the costly part of the duplicate audit that does not depend on the index, so that the main thread
 * can probe and align while they hash. Each image goes to the worker with the fewest images waiting (ties: the
 * first); a view part is a pure function of the image, so the answers do not depend on the number of workers.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { RawImage } from '../base/image.js'
import { viewParts, type ViewParts } from './imageSignature.js'

export interface ViewsRequest {
  id: number
  data: Uint8Array
  width: number
  height: number
  channels: 1 | 3
}

export type ViewsReply = { id: number; parts: ViewParts } | { id: number; error: string }

/** Worker threads when not told: one fewer than the cores this process may use (the main thread probes and aligns), at most 3. */
export function defaultViewWorkers(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1))
}

function workerUrl(): URL {
  const sibling = new URL('./viewsWorker.js', import.meta.url)
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL('../../dist/audit/viewsWorker.js', import.meta.url)
}

interface Pending {
  resolve: (parts: ViewParts) => void
  reject: (error: Error) => void
}

/** `workers` threads (0: computed on the calling thread). */
export class ViewsPool {
  private readonly workers: Worker[] = []
  private readonly waiting: number[] = []
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private failure: Error | undefined

  constructor(workers: number) {
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(workerUrl())
      worker.on('message', (reply: ViewsReply) => {
        this.waiting[w]! -= 1
        const p = this.pending.get(reply.id)
        this.pending.delete(reply.id)
        if (!p) return
        if ('error' in reply) p.reject(new Error(`computing an image's views failed: ${reply.error}`))
        else p.resolve(reply.parts)
      })
      worker.on('error', (error) => this.fail(error))
      worker.on('exit', (code) => {
        if (this.pending.size > 0)
          this.fail(new Error(`the audit's view worker exited (code ${code}) with images pending`))
      })
      this.workers.push(worker)
      this.waiting.push(0)
    }
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
  compute(image: RawImage): Promise<ViewParts> {
    if (this.workers.length === 0) return Promise.resolve(viewParts(image))
    if (this.failure) return Promise.reject(this.failure)
    let w = 0
    for (let i = 1; i < this.workers.length; i++) if (this.waiting[i]! < this.waiting[w]!) w = i
    const id = this.nextId++
    const data = image.data.slice()
    const request: ViewsRequest = { id, data, width: image.width, height: image.height, channels: image.channels }
    return new Promise<ViewParts>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.waiting[w]! += 1
      this.workers[w]!.postMessage(request, [data.buffer])
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
