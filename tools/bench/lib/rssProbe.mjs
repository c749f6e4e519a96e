// Loaded with `node --import tools/bench/lib/rssProbe.mjs ...`: samples this process's resident set
// every FERBENCH_RSS_EVERY_MS (default 250) and, at exit, writes to FERBENCH_RSS_OUT a JSON object
// { peakRssBytes (getrusage ru_maxrss), cpuSeconds (user + system, all threads), samples: [[ms since start, rssBytes], ...] }.
import { writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const out = process.env.FERBENCH_RSS_OUT
if (out) {
  const samples = []
  const every = Number(process.env.FERBENCH_RSS_EVERY_MS ?? 250)
  const sample = () => samples.push([Math.round(performance.now()), process.memoryUsage.rss()])
  sample()
  setInterval(sample, every).unref()
  process.on('exit', () => {
    sample()
    const usage = process.resourceUsage()
    writeFileSync(
      out,
      JSON.stringify({
        peakRssBytes: usage.maxRSS * 1024,
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        samples,
      }),
    )
  })
}
