// A child process that runs several commands of the built CLI in process, one after the other
// (tests/helpers/cliInProcess.mjs), for tests that need a process of their own for them — another
// user (uid), another working folder — without paying Node's and oclif's start-up per command.
// Reads a JSON array of { args, env } from the file named by its argument; writes a JSON array of
// { status, stdout, stderr } (one per command, in order) to stdout, then exits.
import { readFileSync, writeSync } from 'node:fs'
import { runOnce } from './cliInProcess.mjs'

const requests = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const answers = []
for (const request of requests) answers.push(await runOnce({ args: request.args, env: { NO_COLOR: '1', ...request.env } }))
const text = Buffer.from(JSON.stringify(answers))
for (let at = 0; at < text.length; ) at += writeSync(1, text, at)
process.exit(0)
