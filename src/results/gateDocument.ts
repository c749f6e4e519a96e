import { z } from 'zod'

export const GATE_SCHEMA = 'ferbench/gate@1'

const gateCheckSchema = z.object({
  /** 'accuracy', 'recall:<class>', 'groupGap:<attribute>', 'latencyRatio:batch=<b>,threads=<t>'. */
  name: z.string(),
  /**
   * 'percent' (accuracy, recall: baseline/current in %, change and threshold in points), 'gap' (largest accuracy gap between
   * groups: baseline/current, change and threshold in points; fails on an increase) or 'ratio' (latency ratio to the reference; change and threshold in %).
   */
  unit: z.enum(['percent', 'gap', 'ratio']),
  baseline: z.number(),
  current: z.number(),
  /** current − baseline in points (percent unit) or the relative change in % (ratio unit). */
  change: z.number(),
  /** Largest allowed drop (points) or increase (%). */
  threshold: z.number(),
  /** Ratio unit: 95% interval of the change in % (from both runs' ABBA block ratios); the check fails only when its low end exceeds the threshold. */
  changeCI95: z.tuple([z.number(), z.number()]).optional(),
  /** McNemar's exact p-value when per-sample predictions pair the two runs; for a group gap, the Fisher exact p-value of the current gap. */
  pValue: z.number().optional(),
  passed: z.boolean(),
  /** The reasoning in words: what was compared and why it passed or failed. */
  detail: z.string(),
})

export const gateDocumentSchema = z
  .object({
    schema: z.literal(GATE_SCHEMA),
    passed: z.boolean(),
    kind: z.enum(['eval', 'cv', 'speed']),
    baseline: z.object({
      file: z.string(),
      model: z.string(),
      history: z.string().optional().meta({
        description: 'with --baseline history:<branch>: the entry compared against (id, model, data, commit, time)',
      }),
    }),
    current: z.object({ file: z.string(), model: z.string() }),
    alpha: z.number(),
    /** Eval/cv documents: McNemar's exact test on the paired samples, or 'none' with the reason (drops then judged on the threshold alone). */
    significance: z
      .object({
        test: z.enum(['mcnemar', 'none']),
        pairs: z.number().int().nonnegative().optional(),
        pairedBy: z.enum(['content', 'id']).optional(),
        reason: z.string().optional(),
      })
      .optional(),
    checks: z.array(gateCheckSchema),
    notes: z.array(z.string()),
  })
  .meta({
    title: 'ferbench gate result',
    description: `schema ${GATE_SCHEMA}: regression checks of a current result against a baseline`,
  })

export type GateResult = z.infer<typeof gateDocumentSchema>
export type GateCheck = z.infer<typeof gateCheckSchema>
