import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number): void
  stop(): void
}

/** A counter (of samples, unless `unit` says otherwise) on stderr, shown only on a TTY and never in --json mode. */
export function progressOnStderr(enabled: boolean, label: string, unit = 'samples'): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} {value} ${unit} | {duration_formatted}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(0, 0)
  return { update: (done) => bar.update(done), stop: () => bar.stop() }
}
