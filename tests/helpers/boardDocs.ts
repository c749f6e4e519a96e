import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { EvalResult } from '../../src/results/evalDocument.js'
import type { SpeedResult } from '../../src/results/speedDocument.js'
import { FIXTURES, runCli } from './cli.js'

export const ORACLE = path.join(FIXTURES, 'models', 'oracle.onnx')
export const TINYCONV = path.join(FIXTURES, 'models', 'tinyconv.onnx')
export const FER_CSV = path.join(FIXTURES, 'fer2013', 'fer2013.csv')

function run(args: string[]): void {
  const r = runCli(args)
  if (r.status !== 0) throw new Error(`ferbench ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
}

/** A real eval document written by the CLI. */
export function realEval(dir: string, name: string, model: string, split: string): { file: string; doc: EvalResult } {
  const file = path.join(dir, name)
  run(['eval', '--model', model, '--dataset', 'fer2013', '--data', FER_CSV, '--split', split, '--output', file])
  return { file, doc: JSON.parse(readFileSync(file, 'utf8')) as EvalResult }
}

/** A real, short speed document written by the CLI (few iterations: the figures are not the point). */
export function realSpeed(dir: string, name: string, model: string): { file: string; doc: SpeedResult } {
  const file = path.join(dir, name)
  run([
    'speed',
    '--model',
    model,
    '--batch',
    '1,4',
    '--warmup',
    '1',
    '--iterations',
    '5',
    '--duration',
    '0.05',
    '--output',
    file,
  ])
  return { file, doc: JSON.parse(readFileSync(file, 'utf8')) as SpeedResult }
}

export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T
