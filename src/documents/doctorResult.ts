import type { MachineInfo } from '../identity/provenance.js'
import type { Emotion } from '../labels/emotions.js'
import type { CardFile } from '../card/schema.js'

export const DOCTOR_SCHEMA = 'ferbench/doctor@1'

/** A card the doctor writes: a card file, with `origin` saying which values it inferred and on what evidence. */
export type DoctorCard = CardFile

export interface DoctorCandidate {
  /** Short name, e.g. `unit BGR NCHW bilinear`. */
  name: string
  /** 1: scale × channel order × layout; 2: resize kernel and crop around the best of stage 1. */
  stage: 1 | 2
  /** The candidate's card, with the declared labels and the output kind its scores show. */
  card: DoctorCard
  /** Accuracy under the declared label order. */
  accuracy: number
  accuracyCI95: [number, number]
  bestAssignment: { labels: Emotion[]; accuracy: number; accuracyCI95: [number, number] }
  /** Whether the outputs look like probabilities (every row in [0,1], summing to 1) or logits. */
  output: 'logits' | 'probabilities'
  /** Against the top candidate, both under their best assignment: McNemar's exact test; null for the top one. */
  vsBest: { b01: number; b10: number; pValue: number; identicalPredictions: boolean } | null
  /** best; equivalent (identical predictions); tied (p ≥ alpha); worse. */
  verdict: 'best' | 'equivalent' | 'tied' | 'worse'
}

export interface DoctorTie {
  /** candidates: tied, differing predictions; equivalent: identical predictions; labels: label order of two outputs. */
  kind: 'candidates' | 'equivalent' | 'labels'
  candidates?: string[]
  labels?: [Emotion, Emotion]
  /** Card fields in which the tied candidates differ. */
  fields: string[]
  /** Whether the tie keeps the doctor from recommending a card. */
  blocking: boolean
  /** Why, and what data would separate them. */
  detail: string
}

export interface DoctorResult {
  schema: typeof DOCTOR_SCHEMA
  createdAt: string
  tool: { name: 'ferbench'; version: string }
  model: { path: string; sha256: string; bytes: number; input: { name: string; shape: number[] }; outputs: number }
  dataset: { name: string; path: string; split: string; labels: Emotion[] }
  /** Images sampled and decoded. */
  samples: number
  sampling: { seed: number; requested: number; perClass: Record<string, number>; available: Record<string, number>; rule: string }
  declared: { labels: Emotion[]; source: string }
  /** The separation rule, in words. */
  rule: { test: string; alpha: number }
  candidates: DoctorCandidate[]
  recommended: { name: string; card: DoctorCard; accuracy: number; accuracyCI95: [number, number] } | null
  ties: DoctorTie[]
  runner: { name: string; backend: string; device: string; version: string }
  machine: MachineInfo
  timing: { wallSeconds: number; decodeSeconds: number; preprocessSeconds: number; inferSeconds: number; rowsRun: number }
  warnings: string[]
}
