import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { textRecord } from './textKeys.js'

const require = createRequire(import.meta.url)

export interface MachineInfo {
  cpu: string
  cores: number
  memoryBytes: number
  os: string
  arch: string
  node: string
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
  }
}

export function toolVersion(): string {
  return (require('../../package.json') as { version: string }).version
}

/**
 * The directory of the installed package `name`: its entry point resolved as Node resolves it
 * (require conditions first, then import conditions, for ESM-only packages), then the nearest folder
 * above that holds a package.json whose `name` is `name`. A package's `exports` may hide
 * `<name>/package.json` (sharp and csv-parse do), and a nested package.json (csv-parse's
 * dist/cjs/package.json holds only `type`) is not the package's own, so neither is read.
 */
export function packageDirectory(name: string): string | undefined {
  let entry: string | undefined
  try {
    entry = require.resolve(name)
  } catch {
    try {
      const url = import.meta.resolve(name)
      entry = url.startsWith('file:') ? fileURLToPath(url) : undefined
    } catch {
      entry = undefined
    }
  }
  if (entry === undefined) return undefined
  for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
    const manifest = readManifest(path.join(dir, 'package.json'))
    if (manifest?.name === name) return dir
    if (path.dirname(dir) === dir) return undefined
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return typeof parsed === 'object' && parsed !== null ? (parsed as { name?: unknown; version?: unknown }) : undefined
  } catch {
    return undefined
  }
}

/**
 * Versions of the packages a result depends on, each read from the package's own package.json
 * (found from its resolved entry point by packageDirectory); 'not installed' when it does not resolve.
 */
export function packageVersions(names: readonly string[]): Record<string, string> {
  const out = textRecord<string>()
  for (const name of names) {
    const dir = packageDirectory(name)
    const version = dir === undefined ? undefined : readManifest(path.join(dir, 'package.json'))?.version
    out[name] = typeof version === 'string' ? version : 'not installed'
  }
  return out
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
