#!/usr/bin/env bash
# Runs a representative slice of the test suite from copies of this checkout at other paths: one of
# 150+ characters with spaces and non-ASCII names (as CI runners' workspaces can be), with a temp
# folder as long, and one of 5 characters. The copy is the working tree's tracked and unignored files
# as they are, plus the built dist/ and oclif.manifest.json; node_modules is linked, not copied.
# Usage: bash tools/ci/elsewhere.sh [test files…]   (.ci/run calls it after npm test; files given replace the slice)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SLICE=(
  tests/report                           # every human output fits its width; long paths wrap
  tests/engine/cvDocuments.test.ts         # cross-validation report beside a long model path
  tests/doctor                           # models doctor prints the model path
  tests/docs                             # README/docs commands and --help examples, run where they say
  tests/cli/pathFlags.test.ts            # every path flag, paths named in messages
  tests/cli/startup.test.ts              # the installed bin from its folder
  tests/helpers                          # in-process and child-process runs agree
  tests/results/documents.test.ts      # --resume from another working directory
  tests/install/quietInstall.test.ts     # npm ci and npx ferbench in a folder of that path
)
if [ $# -gt 0 ]; then SLICE=("$@"); fi

copy_to() {
  local dest=$1
  mkdir -p "$dest"
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) |
    tar -C "$dest" -xf -
  cp -R "$ROOT/dist" "$dest/dist"
  cp "$ROOT/oclif.manifest.json" "$dest/"
  ln -s "$ROOT/node_modules" "$dest/node_modules"
}

run_at() {
  local dest=$1 tmp=$2
  copy_to "$dest"
  mkdir -p "$tmp"
  echo "elsewhere: ${#dest} characters: $dest"
  (cd "$dest" && TMPDIR="$tmp" node_modules/.bin/vitest run --config tests/vitest.config.ts "${SLICE[@]}")
}

BASE=$(mktemp -d)
SHORT=$(mktemp -d /XXXX 2>/dev/null || mktemp -d /tmp/XXX)
trap 'rm -rf "$BASE" "$SHORT"' EXIT
# readable by others, like a usual checkout: tests/cli/pathFlags.test.ts runs the CLI as `nobody`
chmod 755 "$BASE" "$SHORT"
LONG="$BASE/builds/ferbench group — équipe de test/sub group with spaces/checkout 日本語 ünïcode/$(printf 'w%.0s' {1..40})/ferbench"
run_at "$LONG" "$BASE/tmp folder — ünïcode with spaces/$(printf 't%.0s' {1..40})"
run_at "$SHORT" "${TMPDIR:-/tmp}"
