import { describe, expect, it } from 'vitest'
import type { Emotion } from '../../src/base/emotions.js'
import type { RawImage } from '../../src/base/image.js'
import { mapLabels } from '../../src/base/labelMapping.js'
import { seededRandom } from '../../src/base/prng.js'
import { pixelsToBatch, type PixelScale } from '../../src/card/pixelTensor.js'
import { resolveCard } from '../../src/card/resolve.js'
import { parseCard } from '../../src/card/schema.js'
import type { DatasetAdapter, Sample } from '../../src/datasets/types.js'
import { runEvalLoop } from '../../src/engine/evalLoop.js'
import { EvalState } from '../../src/engine/evalState.js'
import type { Runner } from '../../src/runners/types.js'

const LABELS: Emotion[] = ['neutral', 'happiness', 'sadness']

/** Samples of `side`×`side`×`channels` seeded random pixels, labels in turn. */
function images(count: number, side: number, channels: 1 | 3): RawImage[] {
  const random = seededRandom(7)
  return Array.from({ length: count }, () => ({
    width: side,
    height: side,
    channels,
    data: Uint8Array.from({ length: side * side * channels }, () => Math.floor(random() * 256)),
  }))
}

function adapter(count: number, side: number, channels: 1 | 3): DatasetAdapter {
  const list = images(count, side, channels)
  return {
    name: 'fake',
    labels: LABELS,
    defaultSplit: 'test',
    warnings: [],
    splits: () => ['test'],
    async *samples(): AsyncIterable<Sample> {
      for (let i = 0; i < count; i++) {
        const image = list[i]!
        yield { id: `s${i}`, label: LABELS[i % 3]!, source: `fake ${i}`, load: async () => image }
      }
    },
  }
}

/**
 * A runner whose "model" scores each row by sums of its floats (so every float counts), recording
 * every float batch it ran; with `pixels`, it also has runPixels, which makes the floats as the ONNX
 * runner process does (pixelsToBatch) and runs them the same way.
 */
function fakeRunner(pixels: boolean, seen: { floats: Float32Array[]; pixelCalls: number; floatCalls: number }): Runner {
  const score = (batch: Float32Array, dims: readonly number[]): Float32Array => {
    seen.floats.push(batch.slice())
    const rows = dims[0]!
    const per = batch.length / rows
    const out = new Float32Array(rows * 3)
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < per; k++) out[r * 3 + (k % 3)]! += batch[r * per + k]! * ((k % 7) + 1) * 1e-3
    return out
  }
  return {
    info: { name: 'fake', backend: 'fake', device: 'cpu', version: '0', notes: [] },
    input: { name: 'x', shape: ['N', 1, 8, 8] },
    outputs: [{ name: 'y', shape: ['N', 3] }],
    busyMs: 0,
    run: async (batch, dims) => {
      seen.floatCalls += 1
      return score(batch, dims)
    },
    ...(pixels
      ? {
          runPixels: async (data: Uint8Array, rows: number, scale: PixelScale, dims: readonly number[]) => {
            seen.pixelCalls += 1
            return score(
              pixelsToBatch(
                data,
                rows,
                scale,
                dims.reduce((a, b) => a * b, 1),
              ),
              dims,
            )
          },
        }
      : {}),
    release: async () => undefined,
  }
}

async function loop(
  pixels: boolean,
  o: { channels: 1 | 3; layout: 'NCHW' | 'NHWC'; scale: string; fixedBatch?: number; tta?: string },
) {
  const shape = o.layout === 'NCHW' ? [o.fixedBatch ?? 'N', o.channels, 8, 8] : [o.fixedBatch ?? 'N', 8, 8, o.channels]
  const card = resolveCard(
    parseCard(
      {
        scale: o.scale,
        labels: LABELS,
        ...(o.scale === 'meanstd'
          ? { mean: [0.5, 0.4, 0.3].slice(0, o.channels), std: [0.2, 0.3, 0.25].slice(0, o.channels) }
          : {}),
        ...(o.tta ? { tta: o.tta } : {}),
      },
      'card.json',
    ),
    { name: 'x', shape },
    'card.json',
  )
  const seen = { floats: [] as Float32Array[], pixelCalls: 0, floatCalls: 0 }
  const state = new EvalState(3, true, undefined, true)
  const views = o.tta === 'flip' ? 2 : 1
  // 8×8 images for an 8×8 card; 10×10 ones are resized first (a view the loop did not read as is)
  const finished = await runEvalLoop(
    {
      adapter: adapter(23, o.tta === 'flip' ? 10 : 8, o.channels),
      split: 'test',
      data: 'fake',
      modelPath: 'fake.onnx',
      runner: fakeRunner(pixels, seen),
      card,
      mapping: mapLabels(card.labels, LABELS, 'drop'),
      batch: 5,
      rowsPerCall: card.fixedBatch ?? 5 * views,
      concurrency: 4,
      strict: false,
    },
    state,
  )
  return { finished, seen, predictions: state.predictions, counts: state.counts, settled: state.settled }
}

describe('eval loop: rows as pixels to a runner that makes the floats itself (runPixels)', () => {
  const cases = [
    { channels: 1, layout: 'NCHW', scale: 'raw255' },
    { channels: 1, layout: 'NHWC', scale: 'unit' },
    { channels: 3, layout: 'NCHW', scale: 'meanstd' },
    { channels: 3, layout: 'NHWC', scale: 'symmetric' },
    { channels: 1, layout: 'NCHW', scale: 'unit', fixedBatch: 4 },
    { channels: 3, layout: 'NCHW', scale: 'unit', fixedBatch: 7 },
    { channels: 1, layout: 'NCHW', scale: 'symmetric', tta: 'flip' },
  ] as const
  for (const c of cases) {
    it(`${c.channels} channel(s) ${c.layout} ${c.scale}${'fixedBatch' in c ? ` fixed batch ${c.fixedBatch}` : ''}${'tta' in c ? ` tta ${c.tta}` : ''}: the model sees the same floats, the results are the same`, async () => {
      const floats = await loop(false, c)
      const pixels = await loop(true, c)
      // the pixel path was taken, for every call
      expect(pixels.seen.floatCalls).toBe(0)
      expect(pixels.seen.pixelCalls).toBe(floats.seen.floatCalls)
      expect(floats.seen.pixelCalls).toBe(0)
      // 23 samples × views in calls of the batch (or the fixed batch, padded with zero rows)
      const rowsPerCall = 'fixedBatch' in c ? c.fixedBatch : 5 * ('tta' in c ? 2 : 1)
      expect(floats.seen.floats).toHaveLength(Math.ceil((23 * ('tta' in c ? 2 : 1)) / rowsPerCall))
      // byte for byte the same float batches, zero padding of a fixed batch's last call included
      expect(pixels.seen.floats.map((f) => Buffer.from(f.buffer).toString('hex'))).toEqual(
        floats.seen.floats.map((f) => Buffer.from(f.buffer).toString('hex')),
      )
      if ('fixedBatch' in c) {
        const last = pixels.seen.floats.at(-1)!
        const used = 23 % c.fixedBatch
        expect(Array.from(last.subarray((used * last.length) / c.fixedBatch)).every((x) => x === 0)).toBe(true)
      }
      expect(pixels.finished).toBe(true)
      expect(pixels.settled).toBe(23)
      expect(pixels.predictions).toEqual(floats.predictions)
      expect(pixels.counts).toEqual(floats.counts)
      if (c.scale === 'raw255') {
        // raw255, one channel: a row's floats are its pixel values, in the order given
        const first = images(5, 8, 1).flatMap((image) => Array.from(image.data))
        expect(Array.from(pixels.seen.floats[0]!)).toEqual(first)
      }
    })
  }
})
