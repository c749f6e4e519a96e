import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createOnnxProcessRunner } from '../../src/runners/onnxProcess.js'
import { reuseRunnerProcesses } from '../../src/runners/onnxPrestart.js'
import { FIXTURES } from '../helpers/cli.js'

const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
const OPTIONS = { device: 'cpu', offThread: false, spinning: false } as const

// The in-process test commands keep released runner processes as spares (a test seam). A spare forked
// while a command ran in a temp folder outlives that folder; its next worker thread used to fail to
// start there ("ONNX worker thread failed: ENOENT: … uv_cwd", seen once in a fresh-clone CI run).
describe('a kept ONNX runner process serves the next run from that run’s folder', () => {
  it('scores after the folder it was forked in is removed', async () => {
    reuseRunnerProcesses()
    const here = process.cwd()
    const gone = mkdtempSync(path.join(os.tmpdir(), 'ferbench-spare-cwd-'))
    const batch = new Float32Array(48 * 48)
    for (let i = 0; i < batch.length; i++) batch[i] = Math.floor(i / 48 / 6) % 8 === 5 ? 240 : 20
    const dims = [1, 1, 48, 48]
    process.chdir(gone)
    let first: Float32Array
    try {
      const runner = await createOnnxProcessRunner(ORACLE, OPTIONS)
      first = Float32Array.from(await runner.run(batch, dims))
      await runner.release() // kept as a spare, its working folder `gone`
    } finally {
      process.chdir(here)
    }
    rmSync(gone, { recursive: true, force: true })
    const again = await createOnnxProcessRunner(ORACLE, OPTIONS)
    try {
      expect(Float32Array.from(await again.run(batch, dims))).toEqual(first)
    } finally {
      await again.release()
    }
  })
})
