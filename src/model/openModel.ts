import { FerbenchError } from '../base/errors.js'
import { requireModelFile } from '../base/inputFile.js'
import { modelIdentity, type ModelIdentity } from '../base/modelFiles.js'
import { loadCard, noCardError, type CardChoice } from '../card/load.js'
import { resolveCard, type ModelInputInfo } from '../card/resolve.js'
import type { CardFile, ModelCard } from '../card/schema.js'
import { createRunner as createRegisteredRunner } from '../runners/registry.js'
import type { Runner, RunnerOptions } from '../runners/types.js'

/**
 * Opening a model, in one order everywhere (eval, robust, speed, models doctor, models inspect,
 * reproduce):
 * 1. the file: regular, not empty, within the size limit (exit 4, src/base/inputFile.ts);
 * 2. the card: --card, else --preset, else the sidecar beside the model, else what `WithoutCard` says (exit 5);
 * 3. the runner (exit 4 when the model cannot be loaded, 6 when no runner can run it here);
 * 4. the card resolved against the model's input (exit 4 or 5, naming the field);
 * 5. the identity: every file of the model hashed (src/base/modelFiles.ts), once.
 * `openModel` runs steps 1–3 for a run; `modelFile` gives step 1's handle to callers that take
 * the later steps apart (speed checks its model and reference files before either card). One
 * exception, kept as it was: models doctor leaves step 1 to the runner, so its message names the
 * runner's file type ("expected an ONNX model file") and a bad card is reported first.
 */

/** A card as loaded, and where it came from: its file, `preset:<name>`, or a stand-in's own words. */
export interface CardSource {
  card: CardFile
  source: string
}

/** Step 2 when no card is given (--card, --preset) and none lies beside the model. */
export type WithoutCard =
  /**
   * The error with exit 5 (src/card/load.ts noCardError): it names the built-in presets whose input
   * fits the model's input (by default read from the file) and the `models doctor` command on `data`.
   */
  | {
      kind: 'error'
      data?: { dataset: string; data: string; split?: string | undefined } | undefined
      modelInput?: () => Promise<ModelInputInfo | undefined>
    }
  /** No card: the caller finds one (models doctor). */
  | { kind: 'none' }
  /** A stand-in card, announced by `note` (speed: the timing does not depend on the labels). */
  | { kind: 'stand-in'; card: CardSource; note: string }

/** Step 3's settings: the runner options, and --runner. */
export type RunnerRequest = RunnerOptions & { runner?: string | undefined }

/** Creates a runner (the registry's by default; a test gives a slowed or fake one). */
export type CreateRunner = (modelPath: string, options: RunnerRequest) => Promise<Runner>

/** The model's first input read from the file without a runner (loaded only when a message needs it). */
async function modelInputFromFile(model: string): Promise<ModelInputInfo | undefined> {
  const { modelInputOf } = await import('./modelInput.js')
  return modelInputOf(model)
}

/** A model file past step 1 (or left to its runner); the later steps in their order. */
export class ModelFile {
  private chosen: CardSource | undefined
  private hashed: Promise<ModelIdentity> | undefined
  /** Fallbacks taken while opening (a stand-in card), each to be said out loud. */
  readonly notes: string[] = []

  constructor(readonly path: string) {}

  /** Step 2: the card, loaded and validated (exit 5), or what `withoutCard` says. */
  async chooseCard(choice: CardChoice, withoutCard: WithoutCard): Promise<CardSource | undefined> {
    const found = loadCard(this.path, choice, () => undefined)
    if (found) this.chosen = found
    else if (withoutCard.kind === 'stand-in') {
      this.notes.push(withoutCard.note)
      this.chosen = withoutCard.card
    } else if (withoutCard.kind === 'error') {
      const input = await (withoutCard.modelInput ?? (() => modelInputFromFile(this.path)))()
      throw noCardError(this.path, input, withoutCard.data)
    }
    return this.chosen
  }

  /** The card step 2 chose; undefined before it, or when it found none. */
  get card(): CardSource | undefined {
    return this.chosen
  }

  /** Step 3: a runner for the model. */
  createRunner(options: RunnerRequest, create: CreateRunner = createRegisteredRunner): Promise<Runner> {
    return create(this.path, options)
  }

  /**
   * Step 4: the chosen card completed against the model's input. `namingModel`: a model error that
   * does not name the model file gets its path in front (eval's messages).
   */
  resolveCard(input: ModelInputInfo, options: { namingModel?: boolean } = {}): ModelCard {
    const chosen = this.chosen
    if (!chosen) throw new Error(`${this.path}: resolveCard before a card was chosen`)
    if (!options.namingModel) return resolveCard(chosen.card, input, chosen.source)
    try {
      return resolveCard(chosen.card, input, chosen.source)
    } catch (error) {
      if (error instanceof FerbenchError && error.kind === 'model' && !error.message.includes(this.path))
        throw new FerbenchError(error.kind, `${this.path}: ${error.message}`, { cause: error })
      throw error
    }
  }

  /** Step 5: every file of the model hashed, once (a listed file that is missing: exit 4). */
  identity(): Promise<ModelIdentity> {
    this.hashed ??= modelIdentity(this.path)
    return this.hashed
  }
}

/**
 * Step 1: the model file checked (exit 4, naming the file). `check: 'by the runner'` leaves it to
 * the runner (models doctor, whose messages name the runner's file type).
 */
export function modelFile(path: string, check: 'here' | 'by the runner' = 'here'): ModelFile {
  if (check === 'here') requireModelFile(path)
  return new ModelFile(path)
}

/** What a run opens: the model, its card (step 2) and a runner for it (step 3). */
export interface OpenModelRequest extends CardChoice {
  model: string
  withoutCard: WithoutCard
  runner: RunnerRequest
  check?: 'here' | 'by the runner'
  createRunner?: CreateRunner
}

export interface OpenedModel {
  file: ModelFile
  card: CardSource | undefined
  runner: Runner
}

/** Steps 1–3 in their order; the caller releases the runner. */
export async function openModel(request: OpenModelRequest): Promise<OpenedModel> {
  const file = modelFile(request.model, request.check)
  const card = await file.chooseCard({ card: request.card, preset: request.preset }, request.withoutCard)
  const runner = await file.createRunner(request.runner, request.createRunner)
  return { file, card, runner }
}
