// Runs a Node script in a child process with the RSS probe; returns wall time, exit code, peak RSS
// and the RSS samples.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rssProbe.mjs')

export async function measure(script, args, { cwd, env = {} } = {}) {
  const rssFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ferbench-rss-')), 'rss.json')
  const t0 = performance.now()
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PROBE, script, ...args], {
      cwd,
      env: { ...process.env, ...env, FERBENCH_RSS_OUT: rssFile },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
  const wallSeconds = (performance.now() - t0) / 1000
  const rss = JSON.parse(readFileSync(rssFile, 'utf8'))
  return {
    code,
    stdout,
    stderr,
    wallSeconds,
    cpuSeconds: rss.cpuSeconds,
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
