import { ferplusVgg13 } from './ferplusVgg13.js'
import { microExpNet } from './microExpNet.js'
import { miniXception } from './miniXception.js'
import { resnet18Fer } from './resnet18Fer.js'
import type { Replica } from './types.js'
import { vgg19Fer } from './vgg19Fer.js'

export type { Replica } from './types.js'

/** Architecture replicas of the published models of docs/claims.md, smallest first. */
export const REPLICAS: readonly Replica[] = [microExpNet, miniXception, ferplusVgg13, resnet18Fer, vgg19Fer]

export function replicaById(id: string): Replica | undefined {
  return REPLICAS.find((r) => r.id === id)
}
