/**
 * One instance of a WebAssembly corruption kernel (src/robust/wasm/*.c, built by
 * tools/build/wasm.mjs) with the memory its calls work in: `reserve(bytes)` makes sure that many
 * bytes exist from the module's heap base on, and the views are made again whenever the memory
 * grows. Kernels are synchronous and keep nothing between calls, so one scratch area serves every
 * call. Compiled on first use.
 */
export class KernelInstance<E> {
  readonly exports: E
  readonly heapBase: number
  private readonly memory: WebAssembly.Memory
  private view: Uint8Array

  constructor(base64: string) {
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'))
    const instance = new WebAssembly.Instance(module, {})
    const exports = instance.exports as unknown as { memory: WebAssembly.Memory; __heap_base: WebAssembly.Global }
    this.exports = instance.exports as unknown as E
    this.memory = exports.memory
    this.heapBase = Math.ceil(Number(exports.__heap_base.value) / 16) * 16 // aligned for any view
    this.view = new Uint8Array(this.memory.buffer)
  }

  /** Makes sure `bytes` bytes exist from heapBase on; returns heapBase. */
  reserve(bytes: number): number {
    const end = this.heapBase + bytes
    if (end > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / 65536))
    }
    return this.heapBase
  }

  /** The whole memory as bytes (a fresh view once the memory has grown). */
  get bytes(): Uint8Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Uint8Array(this.memory.buffer)
    return this.view
  }

  /** `length` int32 at byte offset `at` (a multiple of 4). */
  int32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length)
  }
}

/** Whether WebAssembly can run here (not under `node --jitless`), and a test hook to act as if not. */
export function wasmAvailable(): boolean {
  if (process.env.FERBENCH_DEBUG_NO_WASM === '1') return false
  return typeof WebAssembly === 'object'
}

let announced = false

/** Says once per process, on stderr, that the corruptions fall back to their JavaScript kernels. */
function announceFallback(why: string): void {
  if (announced) return
  announced = true
  process.stderr.write(
    `ferbench: WebAssembly kernels unavailable (${why}): corruptions computed by their JavaScript kernels instead (the same bytes, more CPU)\n`,
  )
}

/**
 * A lazily made kernel instance, or undefined where WebAssembly cannot run or the module fails to
 * compile: then the callers use their JavaScript kernels, which give the same bytes with more CPU,
 * and the fallback is said once on stderr.
 */
export function lazyKernel<E>(base64: string): () => KernelInstance<E> | undefined {
  let made: KernelInstance<E> | undefined
  let failed = false
  return () => {
    if (made || failed) return made
    if (!wasmAvailable()) {
      failed = true
      announceFallback(typeof WebAssembly === 'object' ? 'FERBENCH_DEBUG_NO_WASM=1' : 'no WebAssembly in this Node')
    } else {
      try {
        made = new KernelInstance<E>(base64)
      } catch (error) {
        failed = true
        announceFallback(error instanceof Error ? error.message : String(error))
      }
    }
    return made
  }
}
