#!/usr/bin/env bash
# Consumer test: pack every publishable package with pnpm, install the tarballs with plain npm
# into a temporary app outside the workspace (tarballs + the npm registry only), and use them
# there as a stranger would. Needs `pnpm build` first. Optional environment:
#   GATI_TEST_REPORT=<file>  also write a Vitest-compatible JSON report (CI counts it)
#   GATI_NODE24=<node>       a second Node binary to run the ESM/CommonJS checks under
#   GATI_CONSUMER_KEEP=1     keep the temporary app and print its path
set -uo pipefail
cd "$(dirname "$0")/../.."
exec node test/consumer/run.mjs "$@"
