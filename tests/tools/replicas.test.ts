import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { parseCard } from '../../src/card/schema.js'
import { onnxModelStatsFromBytes } from '../../src/model/onnxStats.js'
import { REPLICAS, replicaById } from '../../tools/replicas/index.js'

// Independent hand formulas: weights of a k×k conv, BatchNorm (4 tensors, 2 trainable), dense layer.
const conv = (cin: number, cout: number, k: number, bias = true): number => cin * cout * k * k + (bias ? cout : 0)
const dense = (fin: number, fout: number): number => fin * fout + fout

interface Expected {
  total: number
  trainable: number
  macs?: number
}

function microExpNet(): Expected {
  const p = conv(1, 16, 8) + conv(16, 32, 4) + dense(32 * 11 * 11, 16) + dense(16, 8)
  // 84/4 = 21 (SAME, stride 4); 21/2 → 11 (SAME, stride 2)
  const macs = 21 * 21 * 16 * (8 * 8 * 1) + 11 * 11 * 32 * (4 * 4 * 16) + 3872 * 16 + 16 * 8
  return { total: p, trainable: p, macs }
}

function miniXception(): Expected {
  let total = conv(1, 8, 3, false) + 4 * 8 + conv(8, 8, 3, false) + 4 * 8
  let trainable = total - 2 * 8 - 2 * 8
  let macs = 62 * 62 * 8 * 9 + 60 * 60 * 8 * 72
  let cin = 8
  let size = 60
  for (const c of [16, 32, 64, 128]) {
    const half = Math.ceil(size / 2)
    // residual 1×1 stride 2 + BN; sepconv = depthwise 3×3 (9·cin) + pointwise (cin·c); twice, each + BN
    const weights = cin * c + (9 * cin + cin * c) + (9 * c + c * c)
    total += weights + 3 * 4 * c
    trainable += weights + 3 * 2 * c
    macs += half * half * c * cin + size * size * (cin * 9 + cin * c) + size * size * (c * 9 + c * c)
    cin = c
    size = half
  }
  total += conv(128, 7, 3)
  trainable += conv(128, 7, 3)
  macs += 4 * 4 * 7 * 128 * 9
  return { total, trainable, macs }
}

function vgg13(): Expected {
  const chans = [64, 64, 128, 128, 256, 256, 256, 256, 256, 256]
  const sizes = [64, 64, 32, 32, 16, 16, 16, 8, 8, 8]
  let p = 0
  let macs = 0
  let cin = 1
  chans.forEach((c, i) => {
    p += conv(cin, c, 3)
    macs += sizes[i]! * sizes[i]! * c * cin * 9
    cin = c
  })
  p += dense(256 * 4 * 4, 1024) + dense(1024, 1024) + dense(1024, 8)
  macs += 4096 * 1024 + 1024 * 1024 + 1024 * 8
  return { total: p, trainable: p, macs }
}

function vgg19(): Expected {
  const cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']
  let total = 0
  let trainable = 0
  let macs = 0
  let cin = 3
  let size = 44
  for (const v of cfg) {
    if (v === 'M') {
      size = Math.floor(size / 2)
      continue
    }
    const c = v as number
    total += conv(cin, c, 3) + 4 * c
    trainable += conv(cin, c, 3) + 2 * c
    macs += size * size * c * cin * 9
    cin = c
  }
  total += dense(512, 7)
  trainable += dense(512, 7)
  macs += 512 * 7
  return { total, trainable, macs }
}

function resnet18(): Expected {
  let total = conv(3, 64, 3, false) + 4 * 64
  let trainable = conv(3, 64, 3, false) + 2 * 64
  let inPlanes = 64
  for (const [planes, stride] of [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ]) {
    for (const s of [stride, 1]) {
      const shortcut = s !== 1 || inPlanes !== planes
      const w =
        conv(inPlanes, planes!, 3, false) +
        conv(planes!, planes!, 3, false) +
        (shortcut ? conv(inPlanes, planes!, 1, false) : 0)
      const bns = shortcut ? 3 : 2
      total += w + bns * 4 * planes!
      trainable += w + bns * 2 * planes!
      inPlanes = planes!
    }
  }
  total += dense(512, 7)
  trainable += dense(512, 7)
  return { total, trainable }
}

const EXPECTED: Record<string, () => Expected> = {
  microexpnet: microExpNet,
  'mini-xception': miniXception,
  'ferplus-vgg13': vgg13,
  'vgg19-fer2013': vgg19,
  'resnet18-fer2013': resnet18,
}

describe('architecture replicas', () => {
  it('there is one replica per seed architecture, each with a documented source and layer list', () => {
    expect(REPLICAS.map((r) => r.id).sort()).toEqual(Object.keys(EXPECTED).sort())
    for (const r of REPLICAS) {
      expect(r.source.length).toBeGreaterThan(20)
      expect(r.layers.length).toBeGreaterThanOrEqual(3)
      expect(() => parseCard(r.card, r.id)).not.toThrow()
    }
  })

  it.each(REPLICAS.map((r) => [r.id]))(
    '%s: parameters and MACs equal the hand count from the published layer list; it runs at batch 2',
    async (id) => {
      const replica = replicaById(id)!
      const bytes = replica.build()
      const stats = onnxModelStatsFromBytes(bytes, id)
      const expected = EXPECTED[id]!()
      expect(stats.params).toBe(expected.total)
      expect(stats.trainableParams).toBe(expected.trainable)
      if (expected.macs !== undefined) expect(stats.macs).toBe(expected.macs)
      expect(stats.macsComplete).toBe(true)
      // the same bytes twice: weights are seeded
      expect(Buffer.from(replica.build()).equals(Buffer.from(bytes))).toBe(true)
      const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'basic' })
      const [c, h, w] = replica.input
      const out = await session.run({
        [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(2 * c * h * w), [2, c, h, w]),
      })
      expect(out[session.outputNames[0]!]!.dims).toEqual([2, replica.classes])
      await session.release()
    },
  )

  it('checks against the numbers the papers state', () => {
    const mini = replicaById('mini-xception')!
    const stats = onnxModelStatsFromBytes(mini.build(), mini.id)
    const stated = mini.stated!
    expect(Math.abs(stats.params - stated.value) / stated.value).toBeLessThanOrEqual(stated.tolerance) // "approximately 60,000"
    const micro = replicaById('microexpnet')!
    expect(micro.build().length).toBeLessThan(micro.claim!.sizeBytes!) // "under 1 MB"
    // ResNet18 (CIFAR style) is known as 11,173,962 parameters with 10 classes: 1,539 fewer with 7
    expect(EXPECTED['resnet18-fer2013']!().trainable).toBe(11_173_962 - 3 * 513)
  })
})
