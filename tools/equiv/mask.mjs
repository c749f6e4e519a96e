// What tools/equiv/diff.mjs treats as volatile: run times, dates, durations, rates, load averages,
// pids and temp paths in text; the same in JSON values, plus whole fields named for a time or a
// timing (createdAt, timing, loadAverage, *Ms, *Seconds, latency and throughput figures).

const TEXT_MASKS = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TIME>'],
  [/\b\d{8}T\d{6,9}Z-[0-9a-f]+\b/g, '<STAMP>-<HASH>'],
  [/\b\d{8}T\d{6,9}Z\b/g, '<STAMP>'],
  [/\b\d{4}-\d{2}-\d{2}\b/g, '<DATE>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<CLOCK>'],
  [/(?:\/private)?\/(?:tmp|var\/folders)\/[^\s"'<>`),;]+/g, '<TMP>'],
  [/\bpid[ =:]\d+/gi, 'pid <PID>'],
  [/\b\d+(?:\.\d+)? before, \d+(?:\.\d+)? after\b/g, '<LOAD> before, <LOAD> after'],
  [/\bload(?: average)?:? \d+(?:\.\d+)?(?:\s*(?:,|→|->|to)\s*\d+(?:\.\d+)?)*/gi, 'load <LOAD>'],
  [/\b\d+(?:[.,]\d+)*(?:\.\d+)?\s?(?:images|img|samples|rows|inferences|it|iterations)\/s\b/g, '<RATE>'],
  [/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\s?(?:ns|µs|us|ms|s|sec|seconds|min)\b/g, '<DUR>'],
]

/** Masks the volatile parts of a text. */
export function maskText(text) {
  let out = text
  for (const [pattern, replacement] of TEXT_MASKS) out = out.replace(pattern, replacement)
  // a masked value's width varies from run to run: the padding after it in a table cell does too
  return out.replace(/(<(?:TIME|STAMP|HASH|DATE|CLOCK|TMP|PID|LOAD|RATE|DUR)>)[ ]+/g, '$1 ')
}

/** For cases whose tables carry timings: every number masked, runs of spaces and box rules collapsed (alignment around them may move). */
export function looseText(text) {
  return maskText(text)
    .replace(/\d+(?:[.,]\d+)*(?:e[+-]?\d+)?/gi, 'N')
    .replace(/[─━═-]{2,}/g, '─')
    .replace(/[ \t]+/g, ' ')
    .replace(/N(?:[ ,]+N)+/g, 'N')
}

const VOLATILE_KEY =
  /^(createdAt|capturedAt|recordedAt|addedAt|startedAt|finishedAt|timing|timings|loadAverage|load|pid|hostname|iterations|durationS|peakRssBytes|rssBytes|heapBytes)$|(Ms|Seconds|PerSecond|perSecond)$|^latency|^throughput/

/** A JSON value with volatile fields replaced by "<MASKED>" and volatile text inside strings masked. */
export function maskJson(value) {
  if (Array.isArray(value)) return value.map(maskJson)
  if (value !== null && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) out[k] = VOLATILE_KEY.test(k) ? '<MASKED>' : maskJson(v)
    return out
  }
  if (typeof value === 'string') return maskText(value)
  return value
}

/** A file's name with a time stamp (history stores name files by time) masked. */
export function maskName(name) {
  return name.replace(/\d{8}T\d{6,9}Z-[0-9a-f]+/g, '<STAMP>-<HASH>').replace(/\d{8}T\d{6,9}Z/g, '<STAMP>')
}
