#!/usr/bin/env bash
# The project's test command (README "Test"; .ci/run runs exactly this).
#  1. cfn-lint on template.yaml and consumer/template.yaml
#  2. mvn -B verify: unit, property and integration tests (real SDK clients against moto and loopback fakes)
#  3. the Lambda artifact built the way `sam build` builds it, and checked
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== cfn-lint template.yaml consumer/template.yaml"
cfn-lint template.yaml consumer/template.yaml
echo "== mvn -B verify"
# -ntp: no download lines; sed strips the bare colour resets Debian's Maven prints even in batch mode
# (pipefail keeps Maven's exit status).
mvn -B -ntp -Dstyle.color=never verify 2>&1 | sed -u "s/$(printf '\033')\[[0-9;]*m//g"
echo "== SAM-style build of functions/"
./scripts/check-sam-artifact.sh
