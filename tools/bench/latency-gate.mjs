#!/usr/bin/env node
// Calibration of the latency gate (`speed --reference` + `gate --max-latency-increase`): how often
// it fails two identical runs (false alarms) and how often it catches a model that is really slower
// (detection). Build first (`npm run tools`).
//
//   node tools/bench/latency-gate.mjs [--trials 12] [--threshold 10] [--repeats 6] [--duration 2] [--old 1]
//
// Models (built with ferbench's ONNX layer builder, seeded weights, 1×48×48 input, written to
// tools/bench/out/latency-gate/, git-ignored):
//   A    : conv 3×3 1→16, conv 3×3 16→32, max-pool 2, two conv 3×3 32→32, global pool, dense 7;
//   slow : A with four conv 3×3 32→32 instead of two (the "slower twin"; its measured slowdown
//          against A is printed: it must be ≥ 30 %);
//   ref  : a byte-for-byte copy of A, the reference model of every run.
// Per trial, three `ferbench speed --reference ref` runs (in-process benchmark(), the defaults of
// the command: warm-up 10, ≥ 50 iterations and ≥ --duration s per model, --repeats ABBA blocks):
//   base = speed(A), same = speed(A), slower = speed(slow); then
//   false alarm = gate(base → same) fails;  detection = gate(base → slower) fails,
// at --max-latency-increase --threshold. The same documents are also judged by the point-estimate
// rule (fail when the ratio grew by more than the threshold), and with --old 1 the old scheme is
// replayed too: model timed for --duration s, then the reference (no interleaving), point rule.
// Figures go to stdout and tools/bench/out/latency-gate.json, with the load average.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT, opt } from './lib/cli.mjs'

const { benchmark, syntheticBatch, timeCell } = await import(path.join(ROOT, 'dist/engine/speedBenchmark.js'))
const { speedSpec } = await import(path.join(ROOT, 'dist/engine/speedSpec.js'))
const { gateDocuments } = await import(path.join(ROOT, 'dist/compare/gate.js'))
const { LayerBuilder } = await import(path.join(ROOT, 'tools/dist/tools/replicas/onnxLayers.js'))
const { createRunner } = await import(path.join(ROOT, 'dist/runners/registry.js'))
const { machineInfo } = await import(path.join(ROOT, 'dist/base/provenance.js'))

const trials = Number(opt('trials', '12'))
const threshold = Number(opt('threshold', '10'))
const repeats = Number(opt('repeats', '6'))
const duration = Number(opt('duration', '2'))
const replayOld = opt('old', '1') === '1'

const OUT = path.join(ROOT, 'tools', 'bench', 'out', 'latency-gate')
mkdirSync(OUT, { recursive: true })
const CARD = {
  input: { height: 48, width: 48, channels: 1, layout: 'NCHW' },
  scale: 'unit',
  resize: 'bilinear',
  labels: ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'],
  output: 'logits',
}

function build(file, deepConvs) {
  const l = new LayerBuilder('latency_gate_model', 4848)
  let x = l.input('image', [1, 48, 48])
  x = l.relu(l.conv(x, { out: 16, kernel: 3, pad: 'same' }))
  x = l.relu(l.conv(x, { out: 32, kernel: 3, pad: 'same' }))
  x = l.maxPool(x, 2)
  for (let i = 0; i < deepConvs; i++) x = l.relu(l.conv(x, { out: 32, kernel: 3, pad: 'same' }))
  l.output(l.dense(l.flatten(l.globalAvgPool(x)), 7), 'logits')
  writeFileSync(file, l.build(`latency-gate bench model, ${deepConvs} deep convolutions`))
  writeFileSync(`${file}.ferbench.json`, JSON.stringify(CARD))
}
const A = path.join(OUT, 'a.onnx')
const SLOW = path.join(OUT, 'slow.onnx')
const REF = path.join(OUT, 'ref.onnx')
if (!existsSync(A)) build(A, 2)
if (!existsSync(SLOW)) build(SLOW, 4)
if (!existsSync(REF)) {
  copyFileSync(A, REF)
  copyFileSync(`${A}.ferbench.json`, `${REF}.ferbench.json`)
}

const settings = { device: 'cpu', batches: [1], threads: [null], warmup: 10, minIterations: 50, minDurationS: duration }
const speed = async (model) => ({
  kind: 'speed',
  file: path.basename(model),
  doc: await benchmark(speedSpec({ ...settings, model, reference: REF, repeats })),
})
const gate = (base, cur) => gateDocuments(base, cur, { maxLatencyIncrease: threshold, alpha: 0.05 })
const pointFails = (base, cur) =>
  (cur.doc.results[0].latencyRatio / base.doc.results[0].latencyRatio - 1) * 100 > threshold

/** The old scheme: the model's whole cell, then the reference's (no interleaving); returns the ratio of means. */
async function oldRatio(model) {
  const a = await createRunner(model, { device: 'cpu' })
  const r = await createRunner(REF, { device: 'cpu' })
  try {
    const input = syntheticBatch(CARD, 1)
    const t = { warmup: 10, minIterations: 50, minDurationS: duration }
    const ta = await timeCell(a, input, t)
    const tr = await timeCell(r, input, t)
    const mean = (x) => x.reduce((s, v) => s + v, 0) / x.length
    return mean(ta.latenciesMs) / mean(tr.latenciesMs)
  } finally {
    await a.release()
    await r.release()
  }
}

const rows = []
const load = [os.loadavg()[0]]
const t0 = Date.now()
for (let i = 0; i < trials; i++) {
  const base = await speed(A)
  const same = await speed(A)
  const slower = await speed(SLOW)
  const g1 = gate(base, same)
  const g2 = gate(base, slower)
  const row = {
    trial: i + 1,
    same: {
      change: g1.checks[0].change,
      ci: g1.checks[0].changeCI95,
      fails: !g1.passed,
      pointFails: pointFails(base, same),
    },
    slower: {
      change: g2.checks[0].change,
      ci: g2.checks[0].changeCI95,
      fails: !g2.passed,
      pointFails: pointFails(base, slower),
    },
    slowdownVsA: slower.doc.results[0].latencyRatio / same.doc.results[0].latencyRatio,
  }
  if (replayOld) {
    const oBase = await oldRatio(A)
    const oSame = await oldRatio(A)
    const oSlow = await oldRatio(SLOW)
    row.old = { sameChange: (oSame / oBase - 1) * 100, slowerChange: (oSlow / oBase - 1) * 100 }
  }
  rows.push(row)
  load.push(os.loadavg()[0])
  const f = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`
  const ci = (c) => (c ? `[${f(c[0])}, ${f(c[1])}]` : '')
  console.log(
    `trial ${i + 1}: identical ${f(row.same.change)} ${ci(row.same.ci)} ${row.same.fails ? 'FAIL' : 'pass'} | slower ${f(row.slower.change)} ${ci(row.slower.ci)} ${row.slower.fails ? 'FAIL' : 'pass'}` +
      (row.old ? ` | old scheme: identical ${f(row.old.sameChange)}, slower ${f(row.old.slowerChange)}` : '') +
      ` | load ${os.loadavg()[0].toFixed(2)}`,
  )
}
const count = (pred) => rows.filter(pred).length
const summary = {
  trials,
  threshold,
  repeats,
  durationS: duration,
  falseAlarms: count((r) => r.same.fails),
  detections: count((r) => r.slower.fails),
  pointRuleFalseAlarms: count((r) => r.same.pointFails),
  pointRuleDetections: count((r) => r.slower.pointFails),
  ...(replayOld
    ? {
        oldSchemeFalseAlarms: count((r) => r.old.sameChange > threshold),
        oldSchemeDetections: count((r) => r.old.slowerChange > threshold),
      }
    : {}),
  slowdownOfSlowModel: {
    min: Math.min(...rows.map((r) => r.slowdownVsA)),
    median: rows.map((r) => r.slowdownVsA).sort((a, b) => a - b)[Math.floor(rows.length / 2)],
  },
  loadAverage1m: { min: Math.min(...load), max: Math.max(...load) },
  wallSeconds: (Date.now() - t0) / 1000,
  machine: machineInfo(),
}
writeFileSync(
  path.join(ROOT, 'tools', 'bench', 'out', 'latency-gate.json'),
  `${JSON.stringify({ summary, rows }, null, 2)}\n`,
)
console.log(JSON.stringify(summary, null, 2))
