import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerbenchError } from '../../src/base/errors.js'
import { parseCard } from '../../src/card/schema.js'
import { partialPath } from '../../src/zoo/cache.js'
import { pullModel, type PullSpec } from '../../src/zoo/pull.js'
import type { ZooEntry } from '../../src/zoo/schema.js'
import { tempDir } from '../helpers/cli.js'
import { serveBytes, startProxy, startServer, type TestServer } from '../helpers/zooServer.js'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const BODY = randomBytes(300_000)

/** A registry entry for the served bytes (its URL points at the loopback server, path /model.onnx). */
function entryFor(base: string, body: Buffer = BODY): ZooEntry {
  return {
    name: 'test-model',
    aliases: [],
    title: 'a test model',
    files: [{ name: 'model.onnx', url: `${base}/model.onnx`, sha256: sha(body), bytes: body.length, role: 'model' }],
    licence: { name: 'MIT', statedAt: 'this test' },
    preset: 'ferplus',
    cardCheckedAgainst: 'this test',
    claims: [],
    dataset: 'none',
  }
}

const open: TestServer[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function server(handle: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handle)
  open.push(s)
  return s
}

function spec(entry: ZooEntry, cacheDir: string, more: Partial<PullSpec> = {}): PullSpec {
  return { entry, cacheDir, from: [], timeoutS: 5, attempts: 3, ...more }
}

async function pullError(p: Promise<unknown>): Promise<FerbenchError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(FerbenchError)
  return error as FerbenchError
}

/** What the cache's model folder holds: only verified files and the card, never a partial file. */
const modelFolder = (cache: string): string[] => readdirSync(path.join(cache, 'models', 'test-model')).sort()

describe('models pull over HTTP (a loopback server)', () => {
  it('downloads, verifies and caches the file, and writes the card beside it', async () => {
    const s = await server((req, res) => serveBytes(req, res, BODY))
    const cache = tempDir('ferbench-zoo-')
    const result = await pullModel(spec(entryFor(s.url), cache))
    expect(result.files.map((f) => f.source)).toEqual(['download'])
    expect(sha(readFileSync(result.modelPath))).toBe(sha(BODY))
    expect(modelFolder(cache)).toEqual(['model.onnx', 'model.onnx.ferbench.json'])
    const card = parseCard(JSON.parse(readFileSync(result.cardPath, 'utf8')), result.cardPath)
    expect(card.labels[0]).toBe('neutral')
    expect(card.source).toContain('zoo:test-model')
    // a second pull finds it in the cache: no request
    const again = await pullModel(spec(entryFor(s.url), cache))
    expect(again.files[0]!.source).toBe('cache')
    expect(s.requests).toHaveLength(1)
  })

  it('resumes a cut connection with a Range request and verifies the joined file', async () => {
    const s = await server((req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-length': BODY.length })
        res.write(BODY.subarray(0, 100_000), () => res.socket?.destroy())
        return
      }
      serveBytes(req, res, BODY)
    })
    const cache = tempDir('ferbench-zoo-')
    const result = await pullModel(spec(entryFor(s.url), cache))
    expect(s.requests[0]!.range).toBeUndefined()
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(s.requests[1]!.range ?? '')?.[1])
    expect(resumedAt).toBeGreaterThan(0)
    expect(resumedAt).toBeLessThanOrEqual(100_000)
    expect(sha(readFileSync(result.modelPath))).toBe(sha(BODY))
  })

  it('keeps a cut download for the next pull, which resumes it; nothing unverified at the model path meanwhile', async () => {
    let healthy = false
    const s = await server((req, res) => {
      if (healthy) return serveBytes(req, res, BODY)
      res.writeHead(200, { 'content-length': BODY.length })
      res.write(BODY.subarray(0, 120_000), () => res.socket?.destroy())
    })
    const cache = tempDir('ferbench-zoo-')
    const error = await pullError(pullModel(spec(entryFor(s.url), cache, { attempts: 1 })))
    expect(error.exitCode).toBe(4)
    expect(error.message).toMatch(/the next pull resumes there/)
    expect(existsSync(partialPath(cache, sha(BODY)))).toBe(true)
    expect(modelFolder(cache)).toEqual([])
    healthy = true
    const result = await pullModel(spec(entryFor(s.url), cache))
    expect(s.requests.at(-1)!.range).toMatch(/^bytes=\d+-$/)
    expect(sha(readFileSync(result.modelPath))).toBe(sha(BODY))
    expect(existsSync(partialPath(cache, sha(BODY)))).toBe(false)
  })

  it('refuses a file whose sha256 is not the pinned one (exit 4, both hashes named), keeping nothing', async () => {
    const other = randomBytes(BODY.length)
    const s = await server((req, res) => serveBytes(req, res, other))
    const cache = tempDir('ferbench-zoo-')
    const error = await pullError(pullModel(spec(entryFor(s.url), cache)))
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain(`expected ${sha(BODY)}, got ${sha(other)}`)
    expect(modelFolder(cache)).toEqual([])
    expect(existsSync(partialPath(cache, sha(BODY)))).toBe(false)
  })

  it('refuses a file of another size (exit 4), keeping nothing', async () => {
    const short = BODY.subarray(0, 1000)
    const s = await server((req, res) => serveBytes(req, res, short))
    const cache = tempDir('ferbench-zoo-')
    const error = await pullError(pullModel(spec(entryFor(s.url), cache)))
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain(`offers 1000 bytes; the registry pins ${BODY.length}`)
    expect(modelFolder(cache)).toEqual([])
    expect(existsSync(partialPath(cache, sha(BODY)))).toBe(false)
  })

  it('404: exit 4 at once (no retry), saying how to fetch the file by hand', async () => {
    const s = await server((_req, res) => {
      res.writeHead(404)
      res.end()
    })
    const cache = tempDir('ferbench-zoo-')
    const error = await pullError(pullModel(spec(entryFor(s.url), cache)))
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain('HTTP 404')
    expect(error.message).toContain('ferbench models pull test-model --from <the file>')
    expect(error.message).toContain(sha(BODY))
    expect(s.requests).toHaveLength(1)
  })

  it('follows a redirect', async () => {
    const s = await server((req, res) => {
      if (req.url === '/model.onnx') {
        res.writeHead(302, { location: '/elsewhere/model.onnx' })
        res.end()
        return
      }
      serveBytes(req, res, BODY)
    })
    const result = await pullModel(spec(entryFor(s.url), tempDir('ferbench-zoo-')))
    expect(s.requests.map((r) => r.path)).toEqual(['/model.onnx', '/elsewhere/model.onnx'])
    expect(sha(readFileSync(result.modelPath))).toBe(sha(BODY))
  })

  it('a server that stops sending is given up after --timeout-s, named in the message', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': BODY.length })
      res.write(BODY.subarray(0, 10))
    })
    const error = await pullError(
      pullModel(spec(entryFor(s.url), tempDir('ferbench-zoo-'), { timeoutS: 1, attempts: 1 })),
    )
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain('no byte for 1 s (--timeout-s)')
  })

  it('goes through HTTP_PROXY, and around it for hosts in NO_PROXY', async () => {
    const s = await server((req, res) => serveBytes(req, res, BODY))
    const proxy = await startProxy()
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY }
    try {
      process.env.HTTP_PROXY = proxy.url
      delete process.env.NO_PROXY
      await pullModel(spec(entryFor(s.url), tempDir('ferbench-zoo-')))
      const host = new URL(s.url).host
      expect(proxy.seen.some((line) => line.includes(host))).toBe(true)
      const before = proxy.seen.length
      process.env.NO_PROXY = '127.0.0.1'
      await pullModel(spec(entryFor(s.url), tempDir('ferbench-zoo-')))
      expect(proxy.seen.length).toBe(before)
      expect(s.requests).toHaveLength(2)
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      await proxy.close()
    }
  })
})

describe('models pull without the registry URL', () => {
  it('an HTTP mirror is asked for <mirror>/<sha256>', async () => {
    const s = await server((req, res) => serveBytes(req, res, BODY))
    const result = await pullModel(
      spec(entryFor('https://unreachable.invalid'), tempDir('ferbench-zoo-'), { mirror: `${s.url}/cas/` }),
    )
    expect(s.requests.map((r) => r.path)).toEqual([`/cas/${sha(BODY)}`])
    expect(result.files[0]!.source).toBe('mirror')
  })

  it('a plain folder works as a mirror; a file missing from it is named', async () => {
    const mirror = tempDir('ferbench-mirror-')
    const entry = entryFor('https://unreachable.invalid')
    const missing = await pullError(pullModel(spec(entry, tempDir('ferbench-zoo-'), { mirror })))
    expect(missing.message).toContain(path.join(mirror, sha(BODY)))
    writeFileSync(path.join(mirror, sha(BODY)), BODY)
    const result = await pullModel(spec(entry, tempDir('ferbench-zoo-'), { mirror }))
    expect(result.files[0]!.source).toBe('mirror')
    expect(sha(readFileSync(result.modelPath))).toBe(sha(BODY))
  })

  it('--from imports a file fetched by hand; a file of other content is refused naming both hashes', async () => {
    const dir = tempDir('ferbench-from-')
    const good = path.join(dir, 'downloaded.onnx')
    const bad = path.join(dir, 'other.onnx')
    writeFileSync(good, BODY)
    const other = randomBytes(500)
    writeFileSync(bad, other)
    const entry = entryFor('https://unreachable.invalid')
    const cache = tempDir('ferbench-zoo-')
    const error = await pullError(pullModel(spec(entry, cache, { from: [bad] })))
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain(sha(other))
    expect(error.message).toContain(sha(BODY))
    const result = await pullModel(spec(entry, cache, { from: [good] }))
    expect(result.files[0]!.source).toBe('import')
    expect(sha(readFileSync(result.modelPath))).toBe(sha(BODY))
  })

  it('a tampered cached file is fetched again, not trusted', async () => {
    const s = await server((req, res) => serveBytes(req, res, BODY))
    const cache = tempDir('ferbench-zoo-')
    const first = await pullModel(spec(entryFor(s.url), cache))
    const tampered = Buffer.from(BODY)
    tampered[5] = tampered[5]! ^ 0xff
    writeFileSync(first.modelPath, tampered)
    const second = await pullModel(spec(entryFor(s.url), cache))
    expect(second.files[0]!.source).toBe('download')
    expect(sha(readFileSync(second.modelPath))).toBe(sha(BODY))
  })

  it('a cache path that is a file is exit 10, named', async () => {
    const dir = tempDir('ferbench-zoo-')
    const file = path.join(dir, 'not-a-folder')
    writeFileSync(file, 'x')
    mkdirSync(path.join(dir, 'ok'))
    const error = await pullError(pullModel(spec(entryFor('https://unreachable.invalid'), file)))
    expect(error.exitCode).toBe(10)
    expect(error.message).toContain(file)
  })
})
