import { COMPARE_SCHEMA, type CompareResult, type MetricDelta } from '../results/compareDocument.js'

/** A delta b − a (null where either side lacks the value). */
export const metricDelta = (a: number | undefined, b: number | undefined): MetricDelta => ({
  a: a ?? null,
  b: b ?? null,
  delta: a === undefined || b === undefined ? null : b - a,
})

type Side = {
  kind?: 'eval' | 'cv'
  model: { path: string; sha256: string }
  createdAt: string
  dataset: {
    name: string
    split: string
    samples: number
    digest?: string | undefined
    contentDigest?: string | undefined
  }
}

/** The parts of a compare document that name the two results and their (common) test set. */
export function compareHead(
  a: Side,
  aFile: string,
  b: Side,
  bFile: string,
): Pick<CompareResult, 'schema' | 'a' | 'b' | 'dataset'> {
  return {
    schema: COMPARE_SCHEMA,
    a: {
      file: aFile,
      ...(a.kind ? { kind: a.kind } : {}),
      model: { path: a.model.path, sha256: a.model.sha256 },
      createdAt: a.createdAt,
    },
    b: {
      file: bFile,
      ...(b.kind ? { kind: b.kind } : {}),
      model: { path: b.model.path, sha256: b.model.sha256 },
      createdAt: b.createdAt,
    },
    dataset: {
      name: a.dataset.name,
      split: a.dataset.split,
      samples: a.dataset.samples,
      ...(a.dataset.digest ? { digest: a.dataset.digest } : {}),
      ...(a.dataset.contentDigest ? { contentDigest: a.dataset.contentDigest } : {}),
    },
  }
}
