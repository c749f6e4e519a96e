import { z } from 'zod'

/**
 * A published claim as data (docs/claims.md): what was claimed, by whom, where, and under
 * which protocol. `ferbench reproduce` runs the protocol where ferbench can, and says what differs
 * where it cannot.
 */
const claimMetrics = ['accuracy', 'modelBytes', 'fps', 'params', 'sizeRatio'] as const

export const claimSchema = z
  .strictObject({
    /** Stable id: `<family>-<dataset>-<split>` style, lowercase. */
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    system: z.string().min(1),
    modelFamily: z.string().min(1),
    /** ferbench dataset adapter name (`fer2013`, `ckplus`, …) or a description when ferbench has none. */
    dataset: z.string().min(1),
    metric: z.enum(claimMetrics),
    value: z.number(),
    unit: z.enum(['%', 'MB', 'FPS', 'M', 'x']),
    /** How the value bounds the truth: '=' a measured figure, '<' an upper bound ("under 1 MB"). */
    comparator: z.enum(['=', '<']).default('='),
    source: z.string().min(1),
    protocol: z.strictObject({
      /** 'split': one named split; 'kfold': cross-validation; 'unspecified': the source does not say. */
      kind: z.enum(['split', 'kfold', 'unspecified']),
      split: z.string().optional(),
      folds: z.number().int().positive().optional(),
      /** Whether the folds keep each subject in one fold (ferbench's are always subject-independent). */
      subjectIndependent: z.boolean().optional(),
      tta: z.enum(['none', 'flip', 'tencrop', 'unspecified']),
      /** Model input as published (after any crop). */
      input: z
        .strictObject({
          height: z.number().int().positive(),
          width: z.number().int().positive(),
          channels: z.union([z.literal(1), z.literal(3)]),
        })
        .optional(),
      /** A ferbench preset that encodes the published preprocessing and label order. */
      preset: z.string().optional(),
      /** Hardware the claim was measured on (speed claims). */
      hardware: z.string().optional(),
    }),
    /** The protocol in words, including what makes the number optimistic (e.g. checkpoint chosen on the test split). */
    protocolNotes: z.string(),
    /** Set when ferbench cannot run this protocol: the reason, said plainly. */
    cannotRun: z.string().optional(),
    /** A claim about a ferbench fixture model, for tests and the demo. */
    fixture: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (c.protocol.kind === 'split' && !c.protocol.split)
      ctx.addIssue({ code: 'custom', path: ['protocol', 'split'], message: "protocol kind 'split' needs a split name" })
    if (c.protocol.kind === 'kfold' && !c.protocol.folds)
      ctx.addIssue({
        code: 'custom',
        path: ['protocol', 'folds'],
        message: "protocol kind 'kfold' needs a number of folds",
      })
  })

export type Claim = z.output<typeof claimSchema>
export type ClaimInput = z.input<typeof claimSchema>
