/** What a command prints, as the layers below the command see it (src/cli/baseCommand.ts gives one). */
export interface Terminal {
  /** --json is on: stdout is the document, tables are not printed. */
  json: boolean
  /** A line on stdout (tables). */
  log(text: string): void
  /** A note on stderr, silent with --json. */
  note(text: string): void
  /** A warning on stderr, shown with --json too. */
  warn(text: string): void
}
