import { createHash } from 'node:crypto'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runCli, runJson, tempDir } from '../helpers/cli.js'

// The real mini-Xception files vendored under fixtures/ are the registry's human-emotion entry,
// byte for byte: they stand in for the download (no network in tests).
const HUMAN = path.join(FIXTURES, 'models', 'human-emotion')
const FROM = ['--from', path.join(HUMAN, 'emotion.json'), '--from', path.join(HUMAN, 'emotion.bin')]
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')

interface ListJson {
  cacheDir: string
  models: { name: string; cached: string; files: { name: string; sha256: string; bytes: number }[] }[]
}

describe('ferbench models list / pull and --model zoo:<name>', () => {
  it('models list --json: every entry with its files and sha256, and whether it is cached', () => {
    const cache = tempDir('ferbench-zoo-')
    const { status, json } = runJson<ListJson>(['models', 'list', '--cache-dir', cache])
    expect(status).toBe(0)
    expect(json.cacheDir).toBe(cache)
    const human = json.models.find((m) => m.name === 'human-emotion')!
    expect(human.cached).toBe('no')
    expect(human.files.map((f) => [f.name, f.sha256])).toEqual([
      ['emotion.json', sha(path.join(HUMAN, 'emotion.json'))],
      ['emotion.bin', sha(path.join(HUMAN, 'emotion.bin'))],
    ])
  })

  it('pull --from, then eval --model zoo:<name> runs the cached file with the registry card, recorded in the result', () => {
    const cache = tempDir('ferbench-zoo-')
    const pulled = runCli(['models', 'pull', 'human-emotion', '--cache-dir', cache, ...FROM])
    expect(pulled.status, pulled.stderr).toBe(0)
    expect(pulled.stderr).toContain('licence MIT')
    const list = runJson<ListJson>(['models', 'list', '--cache-dir', cache]).json
    expect(list.models.find((m) => m.name === 'human-emotion')!.cached).toBe('yes')
    const env = { FERBENCH_CACHE_DIR: cache }
    const data = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
    const run = runJson<{
      model: { path: string; sha256: string; card: { origin: { source: string } } }
    }>(['eval', '--model', 'zoo:human-emotion', '--data', data], { env })
    expect([0, 7], run.stderr).toContain(run.status)
    expect(run.json.model.path).toBe(path.join(cache, 'models', 'human-emotion', 'emotion.json'))
    expect(run.json.model.card.origin.source).toBe(`${run.json.model.path}.ferbench.json`)
    const card = JSON.parse(readFileSync(run.json.model.card.origin.source, 'utf8')) as {
      source: string
      labels: string[]
    }
    expect(card.source).toMatch(/^zoo:human-emotion /)
    expect(card.labels).toEqual(['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral'])
    // the bare registry name works too, and gives the same model
    const bare = runJson<{ model: { sha256: string } }>(['eval', '--model', 'human-emotion', '--data', data], { env })
    expect(bare.json.model.sha256).toBe(run.json.model.sha256)
  })

  it('a registry model not in the cache is exit 4 naming models pull; an unknown name is exit 2; a tampered cache is exit 4', () => {
    const cache = tempDir('ferbench-zoo-')
    const env = { FERBENCH_CACHE_DIR: cache }
    const data = path.join(FIXTURES, 'fer2013', 'fer2013.csv')
    const missing = runCli(['eval', '--model', 'zoo:emotion-ferplus-8', '--data', data], { env })
    expect(missing.status).toBe(4)
    expect(missing.stderr).toContain('ferbench models pull emotion-ferplus-8')
    const unknown = runCli(['models', 'pull', 'no-such-model', '--cache-dir', cache])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('emotion-ferplus-8')
    expect(runCli(['models', 'pull', 'human-emotion', '--cache-dir', cache, ...FROM]).status).toBe(0)
    const bin = path.join(cache, 'models', 'human-emotion', 'emotion.bin')
    const bytes = readFileSync(bin)
    bytes[100] = bytes[100]! ^ 0xff
    writeFileSync(bin, bytes)
    const tampered = runCli(['eval', '--model', 'zoo:human-emotion', '--data', data], { env })
    expect(tampered.status).toBe(4)
    expect(tampered.stderr).toContain('is not the registry')
  })

  it('reproduce without --model names the registry model and --pull, and never downloads without it', () => {
    const cache = tempDir('ferbench-zoo-')
    const run = runCli(['reproduce', 'ferplus-size', '--cache-dir', cache])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('emotion-ferplus-8')
    expect(run.stderr).toContain('--pull')
  })

  it('reproduce <claim> uses the claim model from the cache', () => {
    const cache = tempDir('ferbench-zoo-')
    expect(runCli(['models', 'pull', 'human-emotion', '--cache-dir', cache, ...FROM]).status).toBe(0)
    const { status, json } = runJson<{ run?: { model: { path: string } }; verdict: string }>([
      'reproduce',
      'mini-xception-fer2013',
      '--cache-dir',
      cache,
    ])
    expect(status).toBe(0)
    // this claim cannot be run (its test set is not a FER2013 split): the verdict says so
    expect(json.verdict).toBe('not comparable')
  })
})

describe('reproduce --pull', () => {
  it('pulls the claim model (here from a folder mirror, as an air-gapped site would) and then runs the claim', () => {
    const cache = tempDir('ferbench-zoo-')
    const mirror = tempDir('ferbench-mirror-')
    for (const file of ['emotion.json', 'emotion.bin'])
      copyFileSync(path.join(HUMAN, file), path.join(mirror, sha(path.join(HUMAN, file))))
    const env = { FERBENCH_MIRROR: mirror }
    const without = runCli(['reproduce', 'mini-xception-fer2013', '--cache-dir', cache], { env })
    // never a download without --pull: the claim cannot run, and nothing was fetched
    expect(
      runJson<ListJson>(['models', 'list', '--cache-dir', cache]).json.models.find((m) => m.name === 'human-emotion')!
        .cached,
    ).toBe('no')
    expect(without.status).toBe(0)
    const { status, json } = runJson<{ verdict: string }>(
      ['reproduce', 'mini-xception-fer2013', '--pull', '--cache-dir', cache],
      { env },
    )
    expect(status).toBe(0)
    expect(json.verdict).toBe('not comparable')
    expect(
      runJson<ListJson>(['models', 'list', '--cache-dir', cache]).json.models.find((m) => m.name === 'human-emotion')!
        .cached,
    ).toBe('yes')
  })
})
