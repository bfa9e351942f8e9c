#!/bin/sh
# Builds the Lambda artifact into DIR the way `sam build` does (aws-lambda-builders' java_maven workflow):
# copies functions/ alone to a scratch directory (no sibling module, no parent POM), runs `mvn clean install`
# there without tests, copies the runtime dependencies, and lays out target/classes plus lib/*.jar.
# Used by check-sam-artifact.sh (which inspects it) and package-stackset.sh (which zips and uploads it).
#
# usage: scripts/build-artifact.sh DIR      Needs: Java 17+, Maven.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$root/functions" "$scratch/functions"
rm -rf "$scratch/functions/target"

# Quiet Maven (-q, -ntp: no download lines); on failure its own output is shown, without the bare colour
# resets Debian's Maven prints even in batch mode.
maven() {
  if ! (cd "$scratch/functions" && mvn -B -q -ntp -Dstyle.color=never "$@") >"$scratch/maven.log" 2>&1; then
    sed "s/$(printf '\033')\[[0-9;]*m//g" "$scratch/maven.log" >&2
    echo "build-artifact: mvn $* failed (output above)" >&2
    exit 1
  fi
}
maven clean install -DskipTests -Dmaven.install.skip=true
maven dependency:copy-dependencies -DincludeScope=runtime -Dmdep.prependGroupId=true

rm -rf "$out"
mkdir -p "$out/lib"
cp -r "$scratch/functions/target/classes/." "$out/"
cp "$scratch/functions/target/dependency/"*.jar "$out/lib/"
