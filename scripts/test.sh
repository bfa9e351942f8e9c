#!/bin/sh
# The project's test command (README "Test"; .ci/run runs exactly this).
#  1. cfn-lint on template.yaml and consumer/template.yaml
#  2. mvn -B verify: unit, property and integration tests (real SDK clients against moto and loopback fakes)
#  3. the Lambda artifact built the way `sam build` builds it, and checked
set -eu
cd "$(dirname "$0")/.."
echo "== cfn-lint template.yaml consumer/template.yaml"
cfn-lint template.yaml consumer/template.yaml
echo "== mvn -B verify"
# -ntp: no download lines; sed strips the bare colour resets Debian's Maven prints even in batch mode. POSIX sh
# has no pipefail, so Maven's exit status goes through a file.
status_file=$(mktemp)
trap 'rm -f "$status_file"' EXIT
{ mvn -B -ntp -Dstyle.color=never verify 2>&1 && echo 0 >"$status_file" || echo "$?" >"$status_file"; } | sed -u "s/$(printf '\033')\[[0-9;]*m//g"
status=$(cat "$status_file")
[ "$status" -eq 0 ] || exit "$status"
echo "== SAM-style build of functions/"
./scripts/check-sam-artifact.sh
