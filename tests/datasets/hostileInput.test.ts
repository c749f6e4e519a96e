import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { EXIT_CODES } from '../../src/base/exitCodes.js'
import { checkBatchTensor } from '../../src/base/limits.js'
import { AffectnetAdapter } from '../../src/datasets/affectnet.js'
import { CkplusAdapter } from '../../src/datasets/ckplus.js'
import { decodeImageFile, decodeLimitsOf } from '../../src/datasets/decode.js'
import { readFer2013Rows } from '../../src/datasets/fer2013Csv.js'
import { readFerplusRows } from '../../src/datasets/ferplus.js'
import { FolderAdapter } from '../../src/datasets/folder.js'
import { ManifestAdapter } from '../../src/datasets/manifest.js'
import { RafdbAdapter } from '../../src/datasets/rafdb.js'
import type { DatasetAdapter, DatasetOptions } from '../../src/datasets/types.js'
import { loadCard } from '../../src/card/load.js'
import { parseCard } from '../../src/card/schema.js'
import { resolveCard } from '../../src/card/resolve.js'
import { readTfjsModelJson } from '../../src/runners/tfjsModelFile.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'
import { PDF_TEXT, SVG_TEXT, blankPng, grayPng } from '../helpers/builders.js'

/** The thrown FerbenchError (fails the test when something else, or nothing, is thrown). */
async function ferbenchError(fn: () => unknown): Promise<FerbenchError> {
  try {
    await fn()
  } catch (error) {
    if (error instanceof FerbenchError) return error
    throw error
  }
  throw new Error('expected a FerbenchError, nothing was thrown')
}

async function ids(adapter: DatasetAdapter, split: string): Promise<string[]> {
  const out: string[] = []
  for await (const s of adapter.samples(split)) out.push(`${s.id}:${s.label}`)
  return out
}

const mkfifo = (file: string): void => void execFileSync('mkfifo', [file])
const png48 = (): Buffer => grayPng(48, 48, new Uint8Array(48 * 48).fill(128))

describe('special files: only regular files are read, nothing blocks', () => {
  it.each([
    [
      'a symlink to /dev/zero named .png',
      (f: string) => symlinkSync('/dev/zero', f),
      /is a character device, not a regular file/,
    ],
    ['a FIFO named .png', mkfifo, /is a FIFO \(named pipe\), not a regular file/],
    ['a folder named .png', (f: string) => mkdirSync(f), /is a folder, not a regular file/],
    ['a FIFO named .jpg (the JPEG fast path)', mkfifo, /is a FIFO/],
  ] as const)(
    '%s: a per-sample error naming the file, at once',
    async (name, make, message) => {
      const file = path.join(tempDir(), name.includes('.jpg') ? 'face.jpg' : 'face.png')
      make(file)
      await expect(decodeImageFile(file)).rejects.toThrow(message)
      await expect(decodeImageFile(file)).rejects.toThrow(file)
    },
    10_000,
  )

  it('CK+: an emotion file that is a FIFO is a data error; a landmarks file that is a FIFO fails its sample', async () => {
    const root = path.join(tempDir(), 'ckplus')
    cpSync(path.join(FIXTURES, 'ckplus', 'original'), root, { recursive: true })
    const emotion = path.join(root, 'Emotion', 'S010', '004', 'S010_004_00000004_emotion.txt')
    rmSync(emotion)
    mkfifo(emotion)
    const error = await ferbenchError(() => ids(new CkplusAdapter({ data: root }), 'all'))
    expect(error.exitCode).toBe(EXIT_CODES.data.code)
    expect(error.message).toBe(`${emotion}: is a FIFO (named pipe), not a regular file (expected a CK+ emotion file)`)
    rmSync(emotion)
    cpSync(
      path.join(FIXTURES, 'ckplus', 'original', 'Emotion', 'S010', '004', 'S010_004_00000004_emotion.txt'),
      emotion,
    )
    const landmarks = path.join(root, 'Landmarks', 'S010', '006', 'S010_006_00000003_landmarks.txt')
    rmSync(landmarks)
    mkfifo(landmarks)
    const failures: string[] = []
    for await (const sample of new CkplusAdapter({ data: root }).samples('all')) {
      await sample.load().catch((e: Error) => failures.push(e.message))
    }
    expect(failures).toEqual([
      `${landmarks}: is a FIFO (named pipe), not a regular file (expected a CK+ landmarks file (CK+ faces are cropped from the landmarks' box))`,
    ])
  }, 20_000)

  it('a tfjs model.json whose weight shard is a FIFO is refused as a model error', async () => {
    const dir = tempDir()
    mkfifo(path.join(dir, 'shard.bin'))
    const file = path.join(dir, 'model.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'graph-model',
        modelTopology: { node: [] },
        weightsManifest: [{ paths: ['shard.bin'], weights: [] }],
      }),
    )
    const { tfjsModelBytes } = await import('../../src/runners/tfjsModelFile.js')
    const error = await ferbenchError(() => tfjsModelBytes(file, readTfjsModelJson(file)))
    expect(error.exitCode).toBe(EXIT_CODES.model.code)
    expect(error.message).toMatch(/shard\.bin: is a FIFO/)
  }, 10_000)
})

describe('only the raster formats ferbench documents are decoded; a pixel limit applies from the header', () => {
  it.each([
    ['an SVG renamed .png', SVG_TEXT, /an SVG\/XML document; ferbench decodes PNG, JPEG, TIFF, WebP or BMP files only/],
    ['a PDF renamed .png', PDF_TEXT, /a PDF document; ferbench decodes PNG, JPEG, TIFF, WebP or BMP files only/],
    ['a GIF renamed .png', 'GIF89a\x01\x00\x01\x00\x00\x00\x00;', /a GIF image/],
  ])('%s is refused, never rasterised', async (_name, text, message) => {
    const file = path.join(tempDir(), 'face.png')
    writeFileSync(file, text)
    await expect(decodeImageFile(file)).rejects.toThrow(message)
  })

  it('a 16000×16000 PNG (a small file) is refused from its header with the limit and the flag named', async () => {
    const file = path.join(tempDir(), 'bomb.png')
    const bytes = await blankPng(16000)
    expect(bytes.length).toBeLessThan(1_000_000)
    writeFileSync(file, bytes)
    await expect(decodeImageFile(file)).rejects.toThrow(
      `${file}: 16000×16000 = 256000000 pixels is over the pixel limit of 16777216 (face images are far smaller; raise the limit with --max-pixels)`,
    )
  })

  it('--max-pixels lowers (or raises) the limit: a 48×48 image against 2000 and 2304 pixels', async () => {
    const file = path.join(tempDir(), 'face.png')
    writeFileSync(file, png48())
    await expect(decodeImageFile(file, decodeLimitsOf({ maxPixels: 2000 }))).rejects.toThrow(
      /48×48 = 2304 pixels is over the pixel limit of 2000/,
    )
    expect((await decodeImageFile(file, decodeLimitsOf({ maxPixels: 2304 }))).width).toBe(48)
  })
})

describe('list files: paths are relative to the dataset root and stay inside it', () => {
  function manifest(rows: string[], options: Partial<DatasetOptions> = {}): ManifestAdapter {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'data', 'img'), { recursive: true })
    writeFileSync(path.join(dir, 'data', 'img', 'a.png'), png48())
    const file = path.join(dir, 'data', 'manifest.csv')
    writeFileSync(file, `path,label\n${rows.join('\n')}\n`)
    return new ManifestAdapter({ data: file, ...options })
  }

  it.each([
    ['../', '../secret.png'],
    ['an absolute path', '/etc/passwd'],
    ['a path that leaves and re-enters', 'img/../../data2/x.png'],
  ])('manifest: %s is a data error naming the line and --allow-outside-root', async (_name, listed) => {
    const error = await ferbenchError(() => manifest(['img/a.png,happy', `${listed},sad`]))
    expect(error.exitCode).toBe(EXIT_CODES.data.code)
    expect(error.message).toContain(`manifest.csv line 3: path '${listed}' is outside the dataset root `)
    expect(error.message).toContain(
      '(paths are relative to the dataset root and must stay inside it; --allow-outside-root reads them anyway)',
    )
  })

  it('manifest: --allow-outside-root reads such a path', async () => {
    const adapter = manifest(['img/a.png,happy', '../outside.png,sad'], { allowOutsideRoot: true })
    expect(await ids(adapter, 'all')).toEqual(['img/a.png:happiness', '../outside.png:sadness'])
  })

  it('manifest: a repeated row is a warning and counted once; the same image with two labels is an error naming both lines', async () => {
    const adapter = manifest(['img/a.png,happy', 'img/b.png,sad', './img/a.png,happy'])
    expect(await ids(adapter, 'all')).toEqual(['img/a.png:happiness', 'img/b.png:sadness'])
    expect(adapter.warnings.join('\n')).toMatch(
      /1 row\(s\) repeat an image already listed in the same split with the same label; each image is counted once: '\.\/img\/a\.png' \(line 4\)/,
    )
    const error = await ferbenchError(() => manifest(['img/a.png,happy', 'img/b.png,sad', 'img/a.png,angry']))
    expect(error.exitCode).toBe(EXIT_CODES.data.code)
    expect(error.message).toMatch(
      /manifest\.csv line 4: 'img\/a\.png' is labelled anger, but line 2 lists the same image as happiness/,
    )
  })

  function affectnet(rows: string[], options: Partial<DatasetOptions> = {}): AffectnetAdapter {
    const root = tempDir()
    mkdirSync(path.join(root, 'Manually_Annotated_file_lists'))
    mkdirSync(path.join(root, 'Manually_Annotated_Images', '1'), { recursive: true })
    const header =
      'subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal'
    const lines = rows.map((r) => {
      const [file, code] = r.split(',')
      return `${file},0,0,48,48,"1;2",${code},0,0`
    })
    writeFileSync(
      path.join(root, 'Manually_Annotated_file_lists', 'validation.csv'),
      `${header}\n${lines.join('\n')}\n`,
    )
    return new AffectnetAdapter({ data: root, ...options })
  }

  it('AffectNet: ../ and absolute paths are data errors naming the row; --allow-outside-root reads them', async () => {
    for (const listed of ['../../x.jpg', '/etc/passwd']) {
      const adapter = affectnet(['1/a.jpg,1', `${listed},2`])
      const error = await ferbenchError(() => ids(adapter, 'validation'))
      expect(error.exitCode).toBe(EXIT_CODES.data.code)
      expect(error.message).toContain(`validation.csv row 2: path '${listed}' is outside the dataset root `)
    }
    expect(await ids(affectnet(['1/a.jpg,1', '../../x.jpg,2'], { allowOutsideRoot: true }), 'validation')).toEqual([
      '1/a.jpg:happiness',
      '../../x.jpg:sadness',
    ])
  })

  it('AffectNet: a repeated row is counted once with a warning; conflicting codes are an error naming both rows', async () => {
    const adapter = affectnet(['1/a.jpg,1', '1/b.jpg,2', '1/a.jpg,1'])
    expect(await ids(adapter, 'validation')).toEqual(['1/a.jpg:happiness', '1/b.jpg:sadness'])
    expect(adapter.warnings.join('\n')).toMatch(
      /affectnet validation: 1 row\(s\) repeat an image .*'1\/a\.jpg' \(rows 1 and 3\)/,
    )
    const error = await ferbenchError(() => ids(affectnet(['1/a.jpg,1', '1/a.jpg,6']), 'validation'))
    expect(error.message).toMatch(
      /validation\.csv row 2: '1\/a\.jpg' has expression 6, but row 1 lists the same image with 1/,
    )
  })

  it('RAF-DB list: a repeated line is counted once with a warning; conflicting codes are an error naming both lines', async () => {
    const root = tempDir()
    mkdirSync(path.join(root, 'EmoLabel'))
    const list = path.join(root, 'EmoLabel', 'list_patition_label.txt')
    writeFileSync(list, 'test_0001.jpg 4\ntest_0002.jpg 5\ntest_0001.jpg 4\n')
    const adapter = new RafdbAdapter({ data: root })
    expect(await ids(adapter, 'test')).toEqual(['test_0001:happiness', 'test_0002:sadness'])
    expect(adapter.warnings.join('\n')).toMatch(
      /rafdb: 1 line\(s\) of .* repeat an image with the same code; counted once: test_0001 \(lines 1 and 3\)/,
    )
    writeFileSync(list, 'test_0001.jpg 4\ntest_0001.jpg 7\n')
    const error = await ferbenchError(() => ids(new RafdbAdapter({ data: root }), 'test'))
    expect(error.message).toMatch(
      /list_patition_label\.txt line 2: test_0001 has code 7, but line 1 lists it with code 4/,
    )
  })
})

describe('symlinked class folders: followed inside the root, refused outside it (unless allowed)', () => {
  function layout(): { root: string; outside: string } {
    const base = tempDir()
    const root = path.join(base, 'faces')
    for (const d of ['happy', '.store/sad']) mkdirSync(path.join(root, d), { recursive: true })
    writeFileSync(path.join(root, 'happy', 'h.png'), png48())
    writeFileSync(path.join(root, '.store', 'sad', 's.png'), png48())
    const outside = path.join(base, 'elsewhere', 'angry')
    mkdirSync(outside, { recursive: true })
    writeFileSync(path.join(outside, 'a.png'), png48())
    return { root, outside }
  }

  it('a link to a folder inside the root is a class like any other', async () => {
    const { root } = layout()
    symlinkSync(path.join(root, '.store', 'sad'), path.join(root, 'sad'))
    expect(await ids(new FolderAdapter({ data: root }), 'all')).toEqual(['happy/h.png:happiness', 'sad/s.png:sadness'])
  })

  it('a link that leaves the root is a data error naming link and target; --allow-outside-root follows it', async () => {
    const { root, outside } = layout()
    symlinkSync(outside, path.join(root, 'angry'))
    const error = await ferbenchError(() => new FolderAdapter({ data: root }))
    expect(error.exitCode).toBe(EXIT_CODES.data.code)
    expect(error.message).toContain(
      `${path.join(root, 'angry')}: symlinked folder points to ${outside}, outside the dataset root ${root}`,
    )
    expect(await ids(new FolderAdapter({ data: root, allowOutsideRoot: true }), 'all')).toEqual([
      'angry/a.png:anger',
      'happy/h.png:happiness',
    ])
  })
})

describe('fer2013.csv: line ends and line lengths', () => {
  const csv = readFileSync(path.join(FIXTURES, 'fer2013', 'fer2013.csv'), 'utf8')

  async function rows(file: string): Promise<string[]> {
    const out: string[] = []
    for await (const r of readFer2013Rows(file)) out.push(`${r.row}:${r.emotion}:${r.usage}:${r.pixels.slice(0, 20)}`)
    return out
  }

  it('CR-only line ends (old Mac files) read the same rows as LF', async () => {
    const dir = tempDir()
    const lf = path.join(dir, 'lf.csv')
    const cr = path.join(dir, 'cr.csv')
    writeFileSync(lf, csv)
    writeFileSync(cr, csv.replace(/\r?\n/g, '\r'))
    const expected = await rows(lf)
    expect(expected.length).toBeGreaterThan(10)
    expect(await rows(cr)).toEqual(expected)
  })

  it('a line with no end (an 8 GiB sparse file after the header) is an error after a bounded read', async () => {
    const file = path.join(tempDir(), 'fer2013.csv')
    writeFileSync(file, 'emotion,pixels,Usage\n0,')
    truncateSync(file, 8 * 1024 ** 3) // zeros to 8 GiB: reading it all (or quadratically) would not finish in the test's time
    const error = await ferbenchError(() => rows(file))
    expect(error.exitCode).toBe(EXIT_CODES.data.code)
    expect(error.message).toBe(
      `${file} row 1: a line longer than 1048576 bytes (a FER2013 row is about 9 KB); expected one 'emotion,pixels,Usage' row per line`,
    )
  }, 20_000)

  it('FER+ votes and an AffectNet list with a line with no end: errors after a bounded read (found beside the FER2013 reader)', async () => {
    const votes = path.join(tempDir(), 'fer2013new.csv')
    writeFileSync(
      votes,
      'Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\nTraining,',
    )
    truncateSync(votes, 8 * 1024 ** 3)
    const ferplusError = await ferbenchError(async () => {
      for await (const _row of readFerplusRows(votes)) void _row
    })
    expect(ferplusError.message).toMatch(
      new RegExp(
        `^${votes.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: malformed CSV \\(Max Record Size.*at line 2\\); expected one row of vote counts per image, each line under 65536 bytes$`,
      ),
    )
    const root = tempDir()
    mkdirSync(path.join(root, 'Manually_Annotated_file_lists'))
    const list = path.join(root, 'Manually_Annotated_file_lists', 'validation.csv')
    writeFileSync(
      list,
      'subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression\n1/a.jpg,',
    )
    truncateSync(list, 8 * 1024 ** 3)
    const affectnetError = await ferbenchError(() => ids(new AffectnetAdapter({ data: root }), 'validation'))
    expect(affectnetError.exitCode).toBe(EXIT_CODES.data.code)
    expect(affectnetError.message).toContain(`${list}: malformed CSV (Max Record Size`)
  }, 20_000)

  it('a manifest line with no end is an error after a bounded read too', async () => {
    const file = path.join(tempDir(), 'manifest.csv')
    writeFileSync(file, 'path,label\nimg/a.png,')
    truncateSync(file, 8 * 1024 ** 3)
    const error = await ferbenchError(() => new ManifestAdapter({ data: file }))
    expect(error.message).toBe(
      `${file} line 2: longer than 65536 bytes without a line end (expected one short CSV row per line)`,
    )
  }, 20_000)
})

describe('reads are bounded by a size limit', () => {
  it('an image file over 64 MiB is a per-sample failure before anything is read; a card over 64 MiB is exit 5', async () => {
    const dir = tempDir()
    const image = path.join(dir, 'huge.png')
    writeFileSync(image, png48())
    truncateSync(image, 64 * 1024 * 1024 + 1)
    await expect(decodeImageFile(image)).rejects.toThrow(
      `${image}: 67108865 bytes is over the 67108864-byte limit for an image file`,
    )
    const card = path.join(dir, 'card.json')
    writeFileSync(card, '{')
    truncateSync(card, 64 * 1024 * 1024 + 1)
    const error = await ferbenchError(() => loadCard('model.onnx', { card }))
    expect(error.exitCode).toBe(EXIT_CODES.card.code)
    expect(error.message).toBe(`${card}: 67108865 bytes is over the 67108864-byte limit for a model card JSON file`)
  })

  it('an inference call over 1 GiB of input is refused naming the sizes (exit 2 for --batch, 4 for a batch the model fixes)', async () => {
    const input = { height: 1024, width: 1024, channels: 3 }
    const error = await ferbenchError(() => checkBatchTensor(32 * 10, input, 'usage', '--batch 32 (× 10 view(s))'))
    expect(error.exitCode).toBe(EXIT_CODES.usage.code)
    expect(error.message).toBe(
      '--batch 32 (× 10 view(s)): 320 row(s) × 1024×1024×3 float32 = 4026531840 bytes per inference call, over the 1073741824-byte limit; use a smaller batch',
    )
    expect(() => checkBatchTensor(85, input, 'usage', '--batch 85')).not.toThrow() // 85 × 12 MiB = 1020 MiB
    expect((await ferbenchError(() => checkBatchTensor(86, input, 'model', 'm.onnx: fixed batch 86'))).exitCode).toBe(
      EXIT_CODES.model.code,
    )
  })
})

describe('sizes that would overflow: card and model bounds', () => {
  const card = JSON.parse(readFileSync(path.join(FIXTURES, 'models', 'oracle.onnx.ferbench.json'), 'utf8')) as Record<
    string,
    unknown
  >

  it.each([
    ['batch 1e8', { batch: 1e8 }, /batch: Too big: expected number to be <=4096 \(received: 100000000\)/],
    [
      'crop.from 1e5',
      { input: { height: 48, width: 48, channels: 1, layout: 'NCHW' }, crop: { size: 48, from: 1e5 } },
      /crop\.from: Too big: expected number to be <=4096 \(received: 100000\)/,
    ],
    [
      'input 100000²',
      { input: { height: 100000, width: 100000, channels: 1, layout: 'NCHW' } },
      /input\.height: Too big: expected number to be <=4096 \(received: 100000\)/,
    ],
  ])('card %s: exit 5 naming the field, the bound and the value', async (_name, fields, message) => {
    const error = await ferbenchError(() => parseCard({ ...card, ...fields }, 'card.json'))
    expect(error.exitCode).toBe(EXIT_CODES.card.code)
    expect(error.message).toMatch(message)
  })

  it('a model whose input is 100000×100000, or whose batch is fixed at 1e8: exit 4 naming the shape and the limit', async () => {
    const parsed = parseCard({ scale: 'raw255', labels: ['happy', 'sad'] }, 'card.json')
    const big = await ferbenchError(() =>
      resolveCard(parsed, { name: 'x', shape: ['N', 1, 100000, 100000] }, 'card.json'),
    )
    expect(big.exitCode).toBe(EXIT_CODES.model.code)
    expect(big.message).toBe(
      "model input 'x' with shape [N, 1, 100000, 100000]: input height 100000 is over ferbench's limit of 4096 (expected a face-image model input)",
    )
    const batch = await ferbenchError(() => resolveCard(parsed, { name: 'x', shape: [1e8, 1, 48, 48] }, 'card.json'))
    expect(batch.message).toMatch(/fixed batch 100000000 is over ferbench's limit of 4096/)
  })
})

describe('tfjs weightsManifest paths must lie inside the model folder (exit 4)', () => {
  it.each([
    ['../', '../outside.bin'],
    ['an absolute path', '/etc/passwd'],
  ])('%s is refused before anything is read', (_name, shard) => {
    const base = tempDir()
    const dir = path.join(base, 'model')
    mkdirSync(dir)
    writeFileSync(path.join(base, 'outside.bin'), Buffer.alloc(16))
    const file = path.join(dir, 'model.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'graph-model',
        modelTopology: { node: [] },
        weightsManifest: [{ paths: ['group1-shard1of1.bin', shard], weights: [] }],
      }),
    )
    let error: unknown
    try {
      readTfjsModelJson(file)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FerbenchError)
    expect((error as FerbenchError).exitCode).toBe(EXIT_CODES.model.code)
    expect((error as FerbenchError).message).toBe(
      `${file}: weightsManifest path '${shard}' lies outside the model's folder ${dir} (weight shards must be files inside the folder of model.json)`,
    )
  })
})
