import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PACKAGE_ROOT } from '../../src/base/paths.js'
import { REPLICAS, type Replica } from './index.js'

/** Where `npm run replicas` writes the replicas (git-ignored: VGG19 alone is 80 MB). */
export const REPLICAS_DIR = path.join(PACKAGE_ROOT, 'tools', 'bench', 'out', 'replicas')

export function replicaPath(replica: Replica, dir = REPLICAS_DIR): string {
  return path.join(dir, `${replica.id}.onnx`)
}

/** Writes `<id>.onnx` and its card `<id>.onnx.ferbench.json` for each replica (all, or the ids given). */
export function writeReplicas(dir = REPLICAS_DIR, ids?: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true })
  const written: string[] = []
  for (const replica of REPLICAS) {
    if (ids && ids.length > 0 && !ids.includes(replica.id)) continue
    const file = replicaPath(replica, dir)
    writeFileSync(file, replica.build())
    writeFileSync(`${file}.ferbench.json`, `${JSON.stringify({ ...replica.card, source: replica.source }, null, 2)}\n`)
    written.push(file)
  }
  return written
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2)
  const dirFlag = args.indexOf('--dir')
  const dir = dirFlag >= 0 ? path.resolve(args[dirFlag + 1]!) : REPLICAS_DIR
  const ids = args.filter((a, i) => !a.startsWith('--') && (dirFlag < 0 || i !== dirFlag + 1))
  for (const file of writeReplicas(dir, ids)) console.log(file)
}
