import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number): void
  stop(): void
}

/** A sample counter on stderr, shown only on a TTY and never in --json mode. */
export function progressOnStderr(enabled: boolean, label: string): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} {value} samples | {duration_formatted}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(0, 0)
  return { update: (done) => bar.update(done), stop: () => bar.stop() }
}
