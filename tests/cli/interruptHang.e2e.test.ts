import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalResult } from '../../src/results/evalDocument.js'
import { BIN, FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'
import { hangingModel } from '../helpers/hangingModel.js'
import { withoutTiming } from '../helpers/robustnessDocs.js'

/** How long the spawned run may take to end after the signal before the test gives up on it (generous: no speed is measured). */
const MUST_END_WITHIN_MS = 20_000
const ROWS = 40
/** The row whose pixel of 255 makes the model loop 10¹² times (0-based, in batch 6 of 4). */
const STUCK_ROW = 21
const BATCH = 4

/** A FER2013 CSV of ROWS PrivateTest rows, pixels below 255 except one 255 in row STUCK_ROW when `stuck`. */
function csv(stuck: boolean): string {
  const lines = ['emotion,pixels,Usage']
  for (let r = 0; r < ROWS; r++) {
    const pixels = Array.from({ length: 48 * 48 }, (_, p) => (r * 31 + p * 7) % 250)
    if (stuck && r === STUCK_ROW) pixels[100] = 255
    lines.push(`${r % 7},${pixels.join(' ')},PrivateTest`)
  }
  return `${lines.join('\n')}\n`
}

function setup(): { dir: string; model: string; data: string } {
  const dir = tempDir('ferbench-hang-')
  const model = path.join(dir, 'hanging.onnx')
  writeFileSync(model, hangingModel())
  copyFileSync(path.join(FIXTURES, 'models', 'oracle.onnx.ferbench.json'), `${model}.ferbench.json`)
  const data = path.join(dir, 'data.csv')
  writeFileSync(data, csv(true))
  return { dir, model, data }
}

/** Whether process `pid` no longer runs (gone, or a zombie its parent has not reaped yet). */
function processEnded(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return true
  }
  const stat = `/proc/${pid}/stat`
  return existsSync(stat) && /^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'))
}

interface Ended {
  status: number | null
  signal: NodeJS.Signals | null
  stderr: string
  /** Milliseconds from the last signal sent to the process's end. */
  afterSignalMs: number
}

/**
 * Runs ferbench as a real process; once `settledAtLeast` samples before the stuck batch are
 * settled (the test hook reports settled counts), sends `signals` (a second one 200 ms after the first).
 * A process still alive MUST_END_WITHIN_MS after its last signal is killed and reported as such.
 */
function runStuckAndSignal(args: string[], signals: NodeJS.Signals[], settledAtLeast = STUCK_ROW - 1): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', FERBENCH_DEBUG_SAMPLE_DELAY_MS: '1' },
    })
    let stderr = ''
    let sentAt = 0
    let sent = false
    let killer: NodeJS.Timeout | undefined
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      const counts = [...stderr.matchAll(/ferbench debug: (\d+) samples settled/g)].map((m) => Number(m[1]))
      if (sent || !counts.some((n) => n >= settledAtLeast)) return
      sent = true
      // the stuck batch is in onnxruntime by now (it was sent before its predecessor was scored); give it a moment
      setTimeout(() => {
        signals.forEach((signal, i) =>
          setTimeout(() => {
            child.kill(signal)
            sentAt = Date.now()
          }, i * 200),
        )
        killer = setTimeout(() => child.kill('SIGKILL'), MUST_END_WITHIN_MS + 200 * signals.length)
      }, 500)
    })
    child.on('error', reject)
    child.on('close', (status, signal) => {
      clearTimeout(killer)
      resolve({ status, signal, stderr, afterSignalMs: Date.now() - sentAt })
    })
  })
}

/** Per test: each spawns ferbench and waits for it (slow on a loaded machine; no speed is measured). */
const TEST_TIMEOUT_MS = 180_000

describe('a model that never returns (ONNX Loop of 10¹² trips) and signals', { timeout: TEST_TIMEOUT_MS }, () => {
  it('SIGTERM stops the stuck inference, writes the partial result of what settled (exit 9); --resume finishes after the input is fixed', async () => {
    const { dir, model, data } = setup()
    const out = path.join(dir, 'result.json')
    const args = ['eval', '--model', model, '--data', data, '--batch', String(BATCH), '--concurrency', '1']
    const run = await runStuckAndSignal([...args, '--output', out], ['SIGTERM'])
    expect(run.signal, run.stderr).toBeNull() // not killed by the test's SIGKILL
    expect(run.status, run.stderr).toBe(9)
    expect(run.afterSignalMs).toBeLessThan(MUST_END_WITHIN_MS)
    expect(run.stderr).toMatch(/SIGTERM received/)
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume!.signal).toBe('SIGTERM')
    // the batches before the stuck one (rows 0..19) are settled; the stuck batch's rows are not
    const settled = partial.resume!.settled
    expect(settled).toBe(Math.floor(STUCK_ROW / BATCH) * BATCH)
    expect(partial.dataset.samples).toBe(settled)

    writeFileSync(data, csv(false)) // the stuck row fixed; the settled rows are unchanged
    const resumed = runCli(['eval', '--resume', out])
    expect(resumed.status, resumed.stderr).toBe(0)
    const final = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(final.complete).toBe(true)
    expect(final.dataset.samples).toBe(ROWS)
    const uninterrupted = runJson<EvalResult>([...args, '--no-embed-predictions']).json
    expect(final.metrics.confusionMatrix).toEqual(uninterrupted.metrics.confusionMatrix)
    expect(withoutTiming(final).dataset).toEqual(withoutTiming(uninterrupted).dataset)
  })

  it('a second signal exits at once with exit 9, writing nothing', async () => {
    const { dir, model, data } = setup()
    const out = path.join(dir, 'result.json')
    const run = await runStuckAndSignal(
      ['eval', '--model', model, '--data', data, '--batch', String(BATCH), '--concurrency', '1', '--output', out],
      ['SIGINT', 'SIGINT'],
    )
    expect(run.signal, run.stderr).toBeNull()
    expect(run.status, run.stderr).toBe(9)
    expect(run.afterSignalMs).toBeLessThan(MUST_END_WITHIN_MS)
    expect(run.stderr).toMatch(/second SIGINT: exiting now without writing a partial result/)
    expect(existsSync(out)).toBe(false)
  })

  it('--batch-timeout stops a batch that does not return: exit 4 naming the call and the limit, the process gone, a partial result of what settled', () => {
    const { dir, model, data } = setup()
    const out = path.join(dir, 'result.json')
    const run = runCli([
      'eval',
      '--model',
      model,
      '--data',
      data,
      '--batch',
      String(BATCH),
      '--batch-timeout',
      '2',
      '--output',
      out,
    ])
    expect(run.status, run.stderr).toBe(4)
    const call = Math.floor(STUCK_ROW / BATCH) + 1
    expect(run.stderr).toContain(
      `inference call ${call} (input [${BATCH}, 1, 48, 48]) did not return within --batch-timeout 2 s`,
    )
    const pid = Number(/child process (\d+)/.exec(run.stderr)?.[1])
    expect(pid).toBeGreaterThan(0)
    expect(processEnded(pid)).toBe(true) // the process running onnxruntime was ended
    const partial = JSON.parse(readFileSync(out, 'utf8')) as EvalResult
    expect(partial.complete).toBe(false)
    expect(partial.resume!.settled).toBe((call - 1) * BATCH)
    expect(partial.resume!.signal).toBe('model error')
  })

  it('robust: SIGTERM during a stuck batch writes its partial result of what settled (exit 9)', async () => {
    const { dir, model, data } = setup()
    const out = path.join(dir, 'robust.json')
    const run = await runStuckAndSignal(
      [
        'robust',
        ...['--model', model, '--data', data, '--batch', String(BATCH), '--concurrency', '1'],
        // a blur never makes a pixel brighter than its neighbours: only the clean row STUCK_ROW holds a 255
        ...['--corruptions', 'gaussian-blur', '--severities', '1', '--output', out],
      ],
      ['SIGTERM'],
      // clean and blurred rows share batches, and two batches are queued: fewer samples may settle before the stuck one
      STUCK_ROW - 2 * BATCH,
    )
    expect(run.signal, run.stderr).toBeNull()
    expect(run.status, run.stderr).toBe(9)
    expect(run.afterSignalMs).toBeLessThan(MUST_END_WITHIN_MS)
    expect(run.stderr).toMatch(
      /ferbench robust: interrupted after \d+ sample\(s\); partial result \(complete:false\) written to/,
    )
    const partial = JSON.parse(readFileSync(out, 'utf8')) as { complete: boolean; clean: { samples: number } }
    expect(partial.complete).toBe(false)
    // rows 0..STUCK_ROW-1 hold clean and corrupted rows in shared batches: fewer samples settle, never the stuck one
    expect(partial.clean.samples).toBeLessThan(STUCK_ROW)
  })

  it('speed (the model on the main thread, stuck in native code from its first call): SIGTERM ends it at once', async () => {
    const { model } = setup()
    const run = await new Promise<{ signal: NodeJS.Signals | null; afterSignalMs: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'speed', '--model', model, '--batch', '1', '--duration', '0.2'], {
        env: { ...process.env, NO_COLOR: '1' },
      })
      let sentAt = 0
      let killer: NodeJS.Timeout | undefined
      // its seeded synthetic input holds a 255: the first timed call never returns
      setTimeout(() => {
        sentAt = Date.now()
        child.kill('SIGTERM')
        killer = setTimeout(() => child.kill('SIGKILL'), MUST_END_WITHIN_MS)
      }, 3000)
      child.on('error', reject)
      child.on('close', (_status, signal) => {
        clearTimeout(killer)
        resolve({ signal, afterSignalMs: Date.now() - sentAt })
      })
    })
    expect(run.signal).toBe('SIGTERM') // Node's own handling: the signal ends the process, whatever its thread is doing
    expect(run.afterSignalMs).toBeLessThan(MUST_END_WITHIN_MS)
  })
})
