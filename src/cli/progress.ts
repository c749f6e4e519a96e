import type { SingleBar } from 'cli-progress'
import { createRequire } from 'node:module'
import { countSamples, type CountOptions } from '../engine/countSamples.js'
import { percent } from '../base/format.js'

export interface Progress {
  /** false when nothing is shown (--json, or stderr is not a terminal): callers skip extra work. */
  readonly active: boolean
  /** Items done so far. */
  update(done: number): void
  /** The number of items, once known: the line then shows done/total, a bar and the time left. */
  setTotal(total: number): void
  /** What is being done now, shown after the label. */
  note(text: string): void
  stop(): void
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const BAR_WIDTH = 20

/** Seconds as `42s`, `3m05s` or `1h02m`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/**
 * One progress line. With a total: a bar, done/total, the rate, the elapsed time and the time left
 * at the rate so far. Without one: a spinner, done, the rate and the elapsed time.
 */
export function progressLine(p: {
  label: string
  unit: string
  done: number
  total: number | undefined
  elapsedS: number
}): string {
  const rate = p.elapsedS > 0 ? p.done / p.elapsedS : 0
  const rateText = `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} ${p.unit}/s`
  if (p.total === undefined || p.total <= 0) {
    const spin = SPINNER[Math.floor(p.elapsedS * 10) % SPINNER.length]
    return `${p.label} ${spin} ${p.done} ${p.unit} | ${rateText} | ${formatSeconds(p.elapsedS)}`
  }
  const fraction = Math.min(1, p.done / p.total)
  const filled = Math.round(fraction * BAR_WIDTH)
  const left = rate > 0 ? formatSeconds((p.total - p.done) / rate) : '?'
  return `${p.label} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${p.done}/${p.total} ${p.unit} (${percent(fraction, 0)}) | ${rateText} | ${formatSeconds(p.elapsedS)} elapsed, ETA ${left}`
}

/**
 * Progress on stderr, shown only on a TTY and never in --json mode: a spinner with the rate while
 * the total is unknown, then done/total, rate and ETA once `setTotal` gives it.
 */
export function progressOnStderr(enabled: boolean, label: string, unit = 'samples'): Progress {
  if (!enabled || !process.stderr.isTTY)
    return {
      active: false,
      update: () => undefined,
      setTotal: () => undefined,
      note: () => undefined,
      stop: () => undefined,
    }
  // loaded here, on a TTY only: --json and piped runs never import it
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress')
  const started = performance.now()
  let total: number | undefined
  let done = 0
  let detail = ''
  const bar: SingleBar = new cliProgress.SingleBar({
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
    // redraws the spinner and clock between updates too
    synchronousUpdate: false,
    format: () =>
      progressLine({
        label: detail ? `${label} (${detail})` : label,
        unit,
        done,
        total,
        elapsedS: (performance.now() - started) / 1000,
      }),
  })
  bar.start(0, 0)
  return {
    active: true,
    update: (n) => {
      done = n
      bar.update(n)
    },
    setTotal: (t) => {
      total = t
      bar.setTotal(t)
    },
    note: (text) => {
      detail = text
      bar.update(done)
    },
    stop: () => bar.stop(),
  }
}

/**
 * Counts the run's samples alongside it (labels and file lists only) and gives the progress line
 * its total when the count is done; abort it when the run ends.
 */
export function countInBackground(progress: Progress, options: Omit<CountOptions, 'signal'>): AbortController {
  const controller = new AbortController()
  void countSamples({ ...options, signal: controller.signal }).then((total) => {
    if (total !== undefined && !controller.signal.aborted) progress.setTotal(total)
  })
  return controller
}

/**
 * Progress over passes of one split (robust: the clean pass, then one per condition), cumulative:
 * every pass settles as many samples as the first did, so the total is known after it.
 */
export function passProgress(
  progress: Progress,
): (condition: string, pass: number, passes: number, done: number) => void {
  const current = { pass: 1, done: 0, base: 0 }
  return (condition, pass, passes, done) => {
    if (pass !== current.pass) {
      if (current.pass === 1) progress.setTotal(current.done * passes)
      current.base += current.done
      current.pass = pass
    }
    current.done = done
    progress.note(`${pass}/${passes} ${condition}`)
    progress.update(current.base + done)
  }
}

/**
 * Progress over `total` timed cells (speed): a message about timing a cell, or running one end
 * to end, starts the next cell; every message is shown as the line's detail.
 */
export function cellProgress(progress: Progress, total: number): (message: string) => void {
  progress.setTotal(total)
  let cellsStarted = 0
  return (message) => {
    if (/: timing|^end to end/.test(message)) progress.update(cellsStarted++)
    progress.note(message)
  }
}
