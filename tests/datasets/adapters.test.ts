import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createDataset } from '../../src/datasets/registry.js'
import type { Sample } from '../../src/datasets/types.js'
import { FIXTURES } from '../helpers/cli.js'

async function all(
  dataset: string,
  options: Record<string, unknown> & { data: string },
  split?: string,
): Promise<{ samples: Sample[]; warnings: string[]; labels: readonly string[] }> {
  const adapter = await createDataset(dataset, options)
  const samples: Sample[] = []
  for await (const s of adapter.samples(split ?? adapter.defaultSplit)) samples.push(s)
  return { samples, warnings: adapter.warnings, labels: adapter.labels }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)],
  )
}

const CK_CODES = ['neutral', 'anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness', 'surprise']

describe('ckplus original layout', () => {
  const root = path.join(FIXTURES, 'ckplus', 'original')
  const emotionFiles = filesUnder(path.join(root, 'Emotion')).filter((f) => f.endsWith('_emotion.txt'))
  it('yields the last 3 frames of each labelled sequence with its emotion, cropped from the landmarks', async () => {
    const { samples, warnings, labels } = await all('ckplus', { data: root })
    const expected = emotionFiles.flatMap((f) => {
      const stem = path.basename(f).replace('_emotion.txt', '')
      const [subject, seq, frame] = stem.split('_') as [string, string, string]
      const label = CK_CODES[Math.round(Number(readFileSync(f, 'utf8').trim()))]!
      return [2, 1, 0].map((back) => ({
        id: `${subject}_${seq}_${String(Number(frame) - back).padStart(8, '0')}`,
        subject,
        label,
      }))
    })
    expect(
      samples.map((s) => ({ id: s.id, subject: s.subject, label: s.label })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    ).toEqual(expected.sort((a, b) => (a.id < b.id ? -1 : 1)))
    expect(labels).toEqual(CK_CODES.slice(1))
    expect(warnings.join('\n')).toMatch(/1 sequence\(s\) without an emotion file/)
    // crop: 1.2 × the landmarks' larger side, centred on their box
    const lm = readFileSync(path.join(root, 'Landmarks', 'S005', '001', 'S005_001_00000004_landmarks.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number))
    const xs = lm.map((p) => p[0]!)
    const ys = lm.map((p) => p[1]!)
    const side = Math.round(1.2 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)))
    const image = await samples.find((s) => s.id === 'S005_001_00000004')!.load()
    expect([image.width, image.height]).toEqual([side, side])
  })
  it('--ckplus-neutral adds the first frame of each labelled sequence as neutral', async () => {
    const { samples, labels } = await all('ckplus', { data: root, ckplusNeutral: true })
    const neutral = samples.filter((s) => s.label === 'neutral')
    expect(neutral.length).toBe(emotionFiles.length)
    expect(neutral.every((s) => s.id.endsWith('_00000001'))).toBe(true)
    expect(labels[0]).toBe('neutral')
  })
})

describe('ckplus CK+48 folders', () => {
  it('reads class folders, subjects from the names, skips junk', async () => {
    const root = path.join(FIXTURES, 'ckplus', 'CK+48')
    const { samples, warnings } = await all('ckplus', { data: root })
    const files = filesUnder(root).filter((f) => f.endsWith('.png'))
    expect(samples.length).toBe(files.length)
    const folderLabel: Record<string, string> = { happy: 'happiness' }
    for (const s of samples) {
      const file = files.find((f) => path.basename(f, '.png') === s.id)!
      const folder = path.basename(path.dirname(file))
      expect(s.label).toBe(folderLabel[folder] ?? folder)
      expect(s.subject).toBe(s.id.slice(0, 4))
    }
    expect(warnings.join('\n')).toMatch(/non-image/)
  })
})

describe('jaffe', () => {
  const root = path.join(FIXTURES, 'jaffe', 'jaffe')
  it('finds images recursively, parses subject.EXPRn.id, reports names that do not parse and junk', async () => {
    const { samples, warnings } = await all('jaffe', { data: root })
    const codes: Record<string, string> = {
      NE: 'neutral',
      HA: 'happiness',
      SA: 'sadness',
      SU: 'surprise',
      AN: 'anger',
      DI: 'disgust',
      FE: 'fear',
    }
    const parsed = filesUnder(root)
      .map((f) => /^([A-Z]{2})\.([A-Z]{2})\d+\.\d+\.(tiff?|png|jpg)$/.exec(path.basename(f)))
      .filter((m): m is RegExpExecArray => m !== null)
    expect(samples.length).toBe(parsed.length)
    expect(samples.map((s) => `${s.subject} ${s.label}`).sort()).toEqual(
      parsed.map((m) => `${m[1]} ${codes[m[2]!]}`).sort(),
    )
    expect(new Set(samples.map((s) => s.subject)).size).toBe(10)
    expect(warnings.join('\n')).toContain('scan_0001.tiff')
    expect(warnings.join('\n')).toMatch(/skipped 2 non-image file/)
  })
})

describe('rafdb', () => {
  it('official list: codes 1–7, aligned images, train/test by prefix', async () => {
    const root = path.join(FIXTURES, 'rafdb', 'basic')
    const order = ['surprise', 'fear', 'disgust', 'happiness', 'sadness', 'anger', 'neutral']
    const lines = readFileSync(path.join(root, 'EmoLabel', 'list_patition_label.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
    for (const split of ['train', 'test']) {
      const { samples } = await all('rafdb', { data: root }, split)
      const expected = lines
        .filter(([f]) => f!.startsWith(split))
        .map(([f, c]) => ({ id: f!.replace('.jpg', ''), label: order[Number(c) - 1] }))
      expect(samples.map((s) => ({ id: s.id, label: s.label }))).toEqual(expected)
      const image = await samples[0]!.load()
      expect([image.width, image.height]).toEqual([64, 64])
    }
  })
  it('EfficientFace layout uses its own order (0 neutral … 6 anger)', async () => {
    const root = path.join(FIXTURES, 'rafdb', 'efficientface', 'RAF-DB')
    const order = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger']
    const { samples, labels, warnings } = await all('rafdb', { data: root }, 'test')
    expect(labels).toEqual(order)
    expect(samples.length).toBe(filesUnder(path.join(root, 'test')).filter((f) => f.endsWith('.jpg')).length)
    for (const s of samples) expect(s.label).toBe(order[Number(s.id.split('/')[1])])
    expect(warnings.join('\n')).toMatch(/EfficientFace/)
  })
})

describe('affectnet', () => {
  const root = path.join(FIXTURES, 'affectnet')
  const rows = readFileSync(path.join(root, 'Manually_Annotated_file_lists', 'validation.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
  const codeOf = (r: string): number => Number(r.split(',').at(-3))
  it('--classes 8 keeps codes 0–7, drops 8–10 and counts them', async () => {
    const { samples, warnings } = await all('affectnet', { data: root })
    expect(samples.length).toBe(rows.filter((r) => codeOf(r) <= 7).length)
    expect(warnings.join('\n')).toMatch(new RegExp(`${rows.filter((r) => codeOf(r) >= 8).length} row\\(s\\) dropped`))
    const image = await samples[0]!.load()
    expect([image.width, image.height]).toEqual([Number(rows[0]!.split(',')[3]), Number(rows[0]!.split(',')[4])])
  })
  it('--classes 7 also drops contempt', async () => {
    const { samples, labels } = await all('affectnet', { data: root, classes: 7 })
    expect(samples.length).toBe(rows.filter((r) => codeOf(r) <= 6).length)
    expect(labels).not.toContain('contempt')
  })
})

describe('folder', () => {
  it('class-name synonyms, splits from folders, FER2013 prefix split announced', async () => {
    const root = path.join(FIXTURES, 'folder', 'fer2013-jpg')
    const { samples, warnings } = await all('folder', { data: root }, 'PrivateTest')
    const expected = filesUnder(root).filter((f) => path.basename(f).startsWith('PrivateTest_'))
    expect(samples.length).toBe(expected.length)
    expect(warnings.join('\n')).toMatch(/file-name prefixes/)
    const test = await all('folder', { data: root }, 'test')
    expect(test.labels).toEqual(['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'])
  })
  it('numeric folders need --class-map', async () => {
    const root = path.join(FIXTURES, 'folder', 'numeric')
    await expect(createDataset('folder', { data: root })).rejects.toThrow(/--class-map/)
    const { samples, labels } = await all('folder', {
      data: root,
      classMap: '0=neutral,1=happy,2=surprise,3=sad,4=angry,5=disgust,6=fear',
    })
    expect(labels).toEqual(['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear'])
    expect(samples.length).toBe(21)
  })
})

describe('manifest', () => {
  it('reads path,label,subject,split relative to the manifest', async () => {
    const file = path.join(FIXTURES, 'manifest', 'manifest.csv')
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
    const { samples } = await all('manifest', { data: file }, 'test')
    expect(samples.map((s) => [s.id, s.subject])).toEqual(rows.filter((r) => r[3] === 'test').map((r) => [r[0], r[2]]))
    const image = await samples[0]!.load()
    expect(image.width).toBe(48)
  })
})
