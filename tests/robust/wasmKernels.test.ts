import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
// @ts-expect-error: a build script in plain JavaScript, without types
import { compileKernel, findClang, kernelSources, moduleText } from '../../tools/build/wasm.mjs'

const DIR = path.join(import.meta.dirname, '..', '..', 'src', 'robust', 'wasm')
type Kernel = { name: string; source: string; module: string }
const kernels = (kernelSources as () => Kernel[])()

describe('the WebAssembly corruption kernels (src/robust/wasm/*.c, tools/build/wasm.mjs)', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
  })

  it('every C source has its generated module, built from the source as it is now', () => {
    const sources = readdirSync(DIR).filter((f) => f.endsWith('.c'))
    expect(sources.length).toBeGreaterThan(0)
    expect(kernels.map((k) => path.basename(k.source)).sort()).toEqual(sources.sort())
    for (const { name, source, module } of kernels) {
      const text = readFileSync(module, 'utf8')
      const recorded = /^\/\/ source SHA-256: ([0-9a-f]{64})$/m.exec(text)?.[1]
      const actual = createHash('sha256').update(readFileSync(source)).digest('hex')
      expect(recorded, `${name}Module.ts is stale: run npm run build:wasm`).toBe(actual)
    }
  })

  // Where a clang with the wasm32 target is installed (not needed to install or test ferbench).
  it.skipIf(!(findClang as () => string | undefined)())('each module holds the bytes its source compiles to', () => {
    const clang = (findClang as () => string)()
    for (const { name, source, module } of kernels) {
      const wasm = (compileKernel as (c: string, s: string) => Buffer)(clang, source)
      const sha = createHash('sha256').update(readFileSync(source)).digest('hex')
      expect(readFileSync(module, 'utf8'), name).toBe(
        (moduleText as (n: string, s: string, w: Buffer) => string)(name, sha, wasm),
      )
    }
  })

  it('falls back to the JavaScript kernels where WebAssembly is off, and says so once on stderr', async () => {
    const WASM_BASE64 = /WASM_BASE64 =\s*'([A-Za-z0-9+/=]+)'/.exec(readFileSync(kernels[0]!.module, 'utf8'))![1]!
    // a fresh copy of the module, whatever other test files of this worker did with theirs
    vi.resetModules()
    const { lazyKernel } = await import('../../src/robust/wasm/kernelInstance.js')
    expect(lazyKernel(WASM_BASE64)()).toBeDefined()
    const written: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    vi.stubEnv('FERBENCH_DEBUG_NO_WASM', '1')
    expect(lazyKernel(WASM_BASE64)()).toBeUndefined()
    // a module that does not compile: the same fallback, said only once per process
    vi.unstubAllEnvs()
    expect(lazyKernel(Buffer.from('not wasm').toString('base64'))()).toBeUndefined()
    expect(written).toEqual([
      'ferbench: WebAssembly kernels unavailable (FERBENCH_DEBUG_NO_WASM=1): corruptions computed by their JavaScript kernels instead (the same bytes, more CPU)\n',
    ])
  })
})
