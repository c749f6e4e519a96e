// Runs a Node script in a child process with the RSS probe; returns wall time, exit code, peak RSS
// and the RSS samples.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rssProbe.mjs')

const TIME = '/usr/bin/time'
const TIME_MARK = 'ferbench-measure-cpu'

/**
 * `withChildren`: also the CPU seconds of the process and of the children it waited for (a runner
 * process), from GNU time when /usr/bin/time exists (else undefined), as `cpuSecondsWithChildren`.
 */
export async function measure(script, args, { cwd, env = {}, withChildren = false } = {}) {
  const rssFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferbench-rss-')), 'rss.json')
  const timed = withChildren && existsSync(TIME)
  const argv = ['--import', PROBE, script, ...args]
  const t0 = performance.now()
  const {
    code,
    stdout,
    stderr: rawStderr,
  } = await new Promise((resolve, reject) => {
    const child = spawn(
      timed ? TIME : process.execPath,
      timed ? ['-f', `${TIME_MARK} %U %S`, process.execPath, ...argv] : argv,
      {
        cwd,
        env: { ...process.env, ...env, FERBENCH_RSS_OUT: rssFile },
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  const wallSeconds = (performance.now() - t0) / 1000
  const rss = JSON.parse(readFileSync(rssFile, 'utf8'))
  let stderr = rawStderr
  let cpuSecondsWithChildren
  if (timed) {
    const at = rawStderr.lastIndexOf(TIME_MARK)
    if (at >= 0) {
      const [user, system] = rawStderr
        .slice(at + TIME_MARK.length)
        .trim()
        .split(/\s+/)
        .map(Number)
      cpuSecondsWithChildren = user + system
      stderr = rawStderr.slice(0, at)
    }
  }
  return {
    code,
    stdout,
    stderr,
    wallSeconds,
    cpuSeconds: rss.cpuSeconds,
    cpuSecondsWithChildren,
    peakRssMiB: rss.peakRssBytes / 2 ** 20,
    samples: rss.samples.map(([ms, b]) => [ms, b / 2 ** 20]),
  }
}

/** Quartiles of the RSS samples taken after the first `skipMs` (start-up), in MiB. */
export function rssProfile(samples, skipMs = 2000) {
  const xs = samples.filter(([ms]) => ms >= skipMs).map(([, mib]) => mib)
  if (xs.length === 0) return undefined
  const n = xs.length
  const tenth = Math.max(1, Math.floor(n / 10))
  const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length
  return {
    samples: n,
    firstTenthMeanMiB: mean(xs.slice(0, tenth)),
    lastTenthMeanMiB: mean(xs.slice(n - tenth)),
    maxMiB: Math.max(...xs),
    minMiB: Math.min(...xs),
  }
}
