import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnxRunnerFactory } from '../../src/runners/onnx.js'
import { prestartOnnxWorker, takePrestartedWorker } from '../../src/runners/onnxPrestart.js'
import { FIXTURES } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const WORKER_OPTIONS = { device: 'cpu', offThread: false, spinning: false } as const

describe('ONNX runner process started before the command loads (bin/run.js, eval on the CPU)', () => {
  it('is taken only for the same model and options, once; another request ends it', async () => {
    prestartOnnxWorker(ORACLE, WORKER_OPTIONS)
    expect(takePrestartedWorker(ORACLE, { ...WORKER_OPTIONS, threads: 1 })).toBeUndefined()
    expect(takePrestartedWorker(ORACLE, WORKER_OPTIONS)).toBeUndefined() // ended by the mismatch above

    prestartOnnxWorker(path.relative(process.cwd(), ORACLE), WORKER_OPTIONS) // a relative path names the same file
    const taken = takePrestartedWorker(ORACLE, WORKER_OPTIONS)
    expect(taken).toBeDefined()
    expect((await taken!.first).kind).toBe('ready')
    expect(takePrestartedWorker(ORACLE, WORKER_OPTIONS)).toBeUndefined()
    taken!.child.kill('SIGKILL')
  })

  it('the eval runner uses the started worker and scores as a fresh one does', async () => {
    const fresh = await onnxRunnerFactory.create(ORACLE, { device: 'cpu', offThread: true })
    prestartOnnxWorker(ORACLE, WORKER_OPTIONS)
    const early = await onnxRunnerFactory.create(ORACLE, { device: 'cpu', offThread: true })
    try {
      // nothing is left to take: the runner took it
      expect(takePrestartedWorker(ORACLE, WORKER_OPTIONS)).toBeUndefined()
      const batch = new Float32Array(2 * 48 * 48)
      for (let i = 0; i < batch.length; i++) batch[i] = Math.floor(i / 48 / 6) % 8 === 3 ? 240 : 20
      const dims = [2, 1, 48, 48]
      expect(await early.run(batch, dims)).toEqual(await fresh.run(batch, dims))
      expect(early.info).toEqual(fresh.info)
    } finally {
      await early.release()
      await fresh.release()
    }
  })
})
