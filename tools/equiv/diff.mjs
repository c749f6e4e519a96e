#!/usr/bin/env node
// Compares two captures of tools/equiv/capture.mjs with volatile fields masked (tools/equiv/mask.mjs)
// and prints a short report: "identical" with the counts compared, or each difference with its case,
// command line and first differing lines. Exit 0 when identical, 1 on a difference, 2 on bad usage.
//
//   node tools/equiv/diff.mjs A B [--lines N] [--accept FILE]
//
// --accept FILE: a JSON list of differences known and intended, each { "difference": the heading line
// this report prints for it, "lines": strings its first differing lines must all contain, "why" }.
// A difference that matches one is listed as accepted, with its reason, and does not count.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { looseText, maskJson, maskName, maskText } from './mask.mjs'

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

function parseArgs(argv) {
  const args = { dirs: [], lines: 3, accept: [] }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--lines') args.lines = Number(argv[++i])
    else if (argv[i] === '--accept') args.accept = readJson(argv[++i])
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`)
    else args.dirs.push(argv[i])
  }
  if (args.dirs.length !== 2) throw new Error('usage: diff.mjs A B [--lines N] (two capture folders)')
  for (const d of args.dirs) {
    if (!existsSync(path.join(d, 'meta.json'))) throw new Error(`${d}: not a capture (no meta.json)`)
  }
  if (!Number.isInteger(args.lines) || args.lines < 1) throw new Error('--lines: expected a positive integer')
  return args
}

function listFiles(dir) {
  if (!existsSync(dir)) return []
  const out = []
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name
      if (statSync(path.join(dir, r)).isDirectory()) walk(r)
      else out.push(r)
    }
  }
  walk('')
  return out
}

/** Files keyed by their masked name; names that mask alike are numbered in their real order. */
function maskedNames(files) {
  const seen = new Map()
  const out = new Map()
  for (const f of files) {
    const m = maskName(f)
    const n = seen.get(m) ?? 0
    seen.set(m, n + 1)
    out.set(n ? `${m}#${n + 1}` : m, f)
  }
  return out
}

/** The text diff.mjs compares: JSON with volatile fields masked (pretty, stable), or masked text; the checkout's path is <REPO>. */
function normalise(buffer, name, loose, repos) {
  let text = buffer.toString('utf8')
  for (const repo of repos) text = text.split(repo).join('<REPO>')
  const trimmed = text.trim()
  if ((name.endsWith('.json') || name.endsWith('.stdout')) && /^[[{]/.test(trimmed)) {
    try {
      const json = JSON.stringify(maskJson(JSON.parse(trimmed)), null, 2)
      return loose ? looseText(json) : json
    } catch {
      // not one JSON value: compared as text
    }
  }
  return loose ? looseText(text) : maskText(text)
}

function pngSize(buffer) {
  if (buffer.length < 24 || buffer.toString('latin1', 1, 4) !== 'PNG') return 'not a PNG'
  return `${buffer.readUInt32BE(16)}×${buffer.readUInt32BE(20)}`
}

const BINARY = /\.(png|jpe?g|tiff?|bin|onnx|gz|zip)$/i

/** Up to `n` differing lines of two texts, with their line numbers. */
function firstDifferences(a, b, n) {
  const la = a.split('\n')
  const lb = b.split('\n')
  const out = []
  for (let i = 0; i < Math.max(la.length, lb.length) && out.length < n * 2; i++) {
    if (la[i] === lb[i]) continue
    out.push(`      line ${i + 1} A: ${la[i] === undefined ? '(none)' : JSON.stringify(la[i]).slice(0, 200)}`)
    out.push(`      line ${i + 1} B: ${lb[i] === undefined ? '(none)' : JSON.stringify(lb[i]).slice(0, 200)}`)
  }
  return out
}

/** Compares one item: { equal: true, how } (bytes, masked, loose, volatile) or { equal: false, detail }. */
function compareItem(fa, fb, name, { loose, volatileFile, lines, repos }) {
  const a = readFileSync(fa)
  const b = readFileSync(fb)
  if (a.equals(b)) return { equal: true, how: 'bytes' }
  if (BINARY.test(name)) {
    if (volatileFile && name.toLowerCase().endsWith('.png')) {
      const sa = pngSize(a)
      const sb = pngSize(b)
      return sa === sb ? { equal: true, how: 'volatile' } : { equal: false, detail: [`      PNG size ${sa} vs ${sb}`] }
    }
    if (volatileFile) return { equal: true, how: 'volatile' }
    return { equal: false, detail: [`      binary content differs (${a.length} vs ${b.length} bytes)`] }
  }
  // a volatile text file (a chart laid out by time) counts by its presence, as the loose form still moves
  if (volatileFile) return { equal: true, how: 'volatile' }
  const ma = normalise(a, name, false, repos.a)
  const mb = normalise(b, name, false, repos.b)
  if (ma === mb) return { equal: true, how: 'masked' }
  if (loose) {
    if (normalise(a, name, true, repos.a) === normalise(b, name, true, repos.b)) return { equal: true, how: 'loose' }
  }
  return { equal: false, detail: firstDifferences(ma, mb, lines) }
}

function main() {
  const args = parseArgs(process.argv.slice(2))
  const [A, B] = args.dirs
  const metaA = readJson(path.join(A, 'meta.json'))
  const metaB = readJson(path.join(B, 'meta.json'))
  const repos = {
    a: [...new Set([metaA.realRepo, metaA.repo].filter(Boolean))],
    b: [...new Set([metaB.realRepo, metaB.repo].filter(Boolean))],
  }
  const casesA = new Set(readdirSync(path.join(A, 'cases')))
  const casesB = new Set(readdirSync(path.join(B, 'cases')))
  const differences = []
  const counts = { cases: 0, lines: 0, files: 0, bytes: 0, masked: 0, loose: 0, volatile: 0 }
  for (const name of [...new Set([...casesA, ...casesB])].sort()) {
    if (!casesA.has(name) || !casesB.has(name)) {
      differences.push(`case ${name}: only in ${casesA.has(name) ? 'A' : 'B'}`)
      continue
    }
    counts.cases++
    const ca = path.join(A, 'cases', name)
    const cb = path.join(B, 'cases', name)
    const spec = existsSync(path.join(ca, 'case.json')) ? readJson(path.join(ca, 'case.json')) : {}
    const volatile = spec.volatile ?? {}
    const volatileFiles = (volatile.files ?? []).map((p) => new RegExp(p))
    const volatileStreams = new Set(volatile.streams ?? [])
    const note = (what, detail) => differences.push([`case ${name}: ${what}`, ...detail].join('\n'))
    const tally = (r) => {
      counts[r.how]++
    }
    const stepsA = listFiles(path.join(ca, 'steps'))
    const stepsB = listFiles(path.join(cb, 'steps'))
    const steps = [...new Set([...stepsA, ...stepsB].map((f) => Number(f.split('.')[0])))].sort((x, y) => x - y)
    for (const step of steps) {
      counts.lines++
      const at = (dir, ext) => path.join(dir, 'steps', `${step}.${ext}`)
      const cmdOf = (dir) => (existsSync(at(dir, 'cmd')) ? readFileSync(at(dir, 'cmd'), 'utf8').trim() : '(none)')
      const label = `step ${step} \`${cmdOf(ca)}\``
      if (cmdOf(ca) !== cmdOf(cb)) {
        note(`${label}: command line differs`, [`      B: ${cmdOf(cb)}`])
        continue
      }
      for (const ext of ['code', 'stdout', 'stderr']) {
        if (!existsSync(at(ca, ext)) || !existsSync(at(cb, ext))) {
          note(`${label}: ${ext} missing in ${existsSync(at(ca, ext)) ? 'B' : 'A'}`, [])
          continue
        }
        if (ext !== 'code' && volatileStreams.has(step)) {
          counts.volatile++
          continue
        }
        const r = compareItem(at(ca, ext), at(cb, ext), `x.${ext}`, {
          loose: volatile.timing === true,
          volatileFile: false,
          lines: args.lines,
          repos,
        })
        if (r.equal) tally(r)
        else
          note(
            `${label}: ${ext === 'code' ? `exit code ${readFileSync(at(ca, ext), 'utf8').trim()} vs ${readFileSync(at(cb, ext), 'utf8').trim()}` : `${ext} differs`}`,
            ext === 'code' ? [] : r.detail,
          )
      }
    }
    const filesA = maskedNames(listFiles(path.join(ca, 'files')))
    const filesB = maskedNames(listFiles(path.join(cb, 'files')))
    for (const key of [...new Set([...filesA.keys(), ...filesB.keys()])].sort()) {
      if (!filesA.has(key) || !filesB.has(key)) {
        note(`file ${key}: written only by ${filesA.has(key) ? 'A' : 'B'}`, [])
        continue
      }
      counts.files++
      const r = compareItem(
        path.join(ca, 'files', filesA.get(key)),
        path.join(cb, 'files', filesB.get(key)),
        filesA.get(key),
        {
          loose: volatile.timing === true,
          volatileFile: volatileFiles.some((p) => p.test(key)),
          lines: args.lines,
          repos,
        },
      )
      if (r.equal) tally(r)
      else note(`file ${key} differs`, r.detail)
    }
  }
  const head = `A: ${metaA.commit.slice(0, 60)} (${metaA.capturedAt})\nB: ${metaB.commit.slice(0, 60)} (${metaB.capturedAt})`
  const compared = `${counts.cases} cases, ${counts.lines} command lines (exit code, stdout, stderr), ${counts.files} output files: ${counts.bytes} byte-identical, ${counts.masked} identical after masking, ${counts.loose} equal up to timing figures, ${counts.volatile} volatile (not compared)`
  const accepted = []
  const open = differences.filter((d) => {
    const [heading, ...detail] = d.split('\n')
    const known = args.accept.find(
      (a) => a.difference === heading && (a.lines ?? []).every((l) => detail.some((line) => line.includes(l))),
    )
    if (known) accepted.push(`  ${heading}: ${known.why}`)
    return !known
  })
  const acceptedNote = accepted.length ? `\naccepted (${accepted.length}, intended):\n${accepted.join('\n')}` : ''
  if (open.length === 0) {
    process.stdout.write(
      `${head}\nidentical${accepted.length ? ` apart from ${accepted.length} accepted difference(s)` : ''}: ${compared}${acceptedNote}\n`,
    )
    return 0
  }
  process.stdout.write(`${head}\n${open.length} difference(s) over ${compared}\n${open.join('\n')}${acceptedNote}\n`)
  return 1
}

try {
  process.exitCode = main()
} catch (error) {
  process.stderr.write(`diff: ${error instanceof Error ? error.message : error}\n`)
  process.exitCode = 2
}
