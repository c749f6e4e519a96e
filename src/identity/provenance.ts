import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'

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

/** Versions of the packages a result depends on, read from their package.json files. */
export function packageVersions(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of names) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version
    } catch {
      out[name] = 'not installed'
    }
  }
  return out
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export function fileBytes(file: string): number {
  return statSync(file).size
}
