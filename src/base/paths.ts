import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** The nearest folder above `start` holding a package.json: the package root from src/, dist/ or tools/dist/. */
function packageRootAbove(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..')
  }
}

/** The package root (where package.json and fixtures/ live). */
export const PACKAGE_ROOT = packageRootAbove(path.dirname(fileURLToPath(import.meta.url)))

export const FIXTURES_DIR = path.join(PACKAGE_ROOT, 'fixtures')

/** The bundled demo: an oracle model and a miniature fer2013.csv, both made by the fixture script. */
export const DEMO = {
  model: path.join(FIXTURES_DIR, 'models', 'oracle.onnx'),
  dataset: 'fer2013',
  data: path.join(FIXTURES_DIR, 'fer2013', 'fer2013.csv'),
} as const
