#!/bin/sh
# The benchmark command (docs/benchmarks.md): cold start per function in fresh JVMs, warm latency and API
# calls per event, reconcile over 1,000 and 10,000 repositories, and the deployment artifact. Prints the
# tables and, on a full run, rewrites the generated part of docs/benchmarks.md. Never part of the test run.
#
#   scripts/benchmark.sh                      # everything, the defaults the figures in docs/ come from (~10 min)
#   scripts/benchmark.sh --runs 5 --warm 1000 --sizes 1000,10000 --parts cold,warm
#   scripts/benchmark.sh --fleet [--hosts 300,1000] [--helper-hosts 3] [--helper-hours 24] [--no-doc]
#       boot storms of ecr-login.sh against a throttled loopback endpoint and a simulated day of pulls
#       through docker-credential-ecr-share (io.ecrshare.script.FleetBootBenchmark; ~5 min)
#
# BENCH_CHILD_JVM_OPTIONS replaces the cold-start JVMs' options (default: -XX:+TieredCompilation
# -XX:TieredStopAtLevel=1). --compare-sdk VERSION adds fresh-JVM rows on that SDK BOM's runtime jars.
# Options are BenchmarkSuite's (functions/src/test/java/io/ecrshare/bench/BenchmarkSuite.java). Needs Java 17+,
# Maven and moto_server on PATH (pip install 'moto[server]'); no AWS account, no Docker.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
command="scripts/benchmark.sh${*:+ $*}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

parts="cold,warm,reconcile,artifact"
compare_sdk=""
previous=""
for arg in "$@"; do
  case "$previous" in
    --parts) parts=$arg ;;
    --compare-sdk) compare_sdk=$arg ;;
  esac
  previous=$arg
done

echo "== building classes and test classes"
mvn -B -q -ntp -Dstyle.color=never -f functions/pom.xml test-compile
# The dependency plugin reads includeScope (not mdep.includeScope, which it ignores: the probes then ran on
# the whole test classpath).
mvn -B -q -ntp -Dstyle.color=never -f functions/pom.xml dependency:build-classpath -DincludeScope=test \
  -Dmdep.outputFile="$work/test.cp" >/dev/null
mvn -B -q -ntp -Dstyle.color=never -f functions/pom.xml dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$work/runtime.cp" >/dev/null
compare_cp=""
if [ -n "$compare_sdk" ]; then
  mvn -B -q -ntp -Dstyle.color=never -f functions/pom.xml dependency:build-classpath -DincludeScope=runtime \
    -Daws.sdk.version="$compare_sdk" -Dmdep.outputFile="$work/compare.cp" >/dev/null
  compare_cp="$root/functions/target/classes:$root/functions/target/test-classes:$(cat "$work/compare.cp")"
fi
classes="$root/functions/target/classes"
test_classes="$root/functions/target/test-classes"

if [ "${1:-}" = "--fleet" ]; then
  shift
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  echo "== running io.ecrshare.script.FleetBootBenchmark"
  java -cp "$test_classes:$classes:$(cat "$work/test.cp")" -Dbench.command="$command" -Dbench.commit="$commit" \
    io.ecrshare.script.FleetBootBenchmark "$@"
  exit
fi

case ",$parts," in *,artifact,*) with_artifact=1 ;; *) with_artifact=0 ;; esac
if [ "$with_artifact" = 1 ]; then
  echo "== building the SAM-style artifact and the CLI jar"
  mkdir -p "$work/artifact"
  VERBOSE=1 ./scripts/check-sam-artifact.sh > "$work/artifact/artifact.txt"
  mvn -B -q -ntp -Dstyle.color=never -f functions/pom.xml dependency:tree -Dscope=runtime \
    -DoutputFile="$work/artifact/tree.txt" >/dev/null
  # The CLI jar is built in a scratch copy, so target/ of the checkout keeps the classes the suite runs.
  cp -r functions "$work/cli" && rm -rf "$work/cli/target"
  (cd "$work/cli" && mvn -B -q -ntp -Dstyle.color=never -Pcli -DskipTests package)
  cli_bytes=$(stat -c %s "$work/cli/target/ecr-share-cli.jar")
  echo "target/ecr-share-cli.jar, $((cli_bytes / 1024)) KiB" > "$work/artifact/cli.txt"
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- functions template.yaml 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi

echo "== running io.ecrshare.bench.BenchmarkSuite"
# The cold-start probes run on the deployed classpath: main classes and runtime jars only, plus the probe.
java -cp "$test_classes:$classes:$(cat "$work/test.cp")" \
  -Dbench.command="$command" -Dbench.commit="$commit" \
  -Dbench.childJvmOptions="${BENCH_CHILD_JVM_OPTIONS:--XX:+TieredCompilation -XX:TieredStopAtLevel=1}" \
  -Dbench.childClasspath="$classes:$test_classes:$(cat "$work/runtime.cp")" \
  -Dbench.compareClasspath="$compare_cp" \
  io.ecrshare.bench.BenchmarkSuite --artifact-dir "$work/artifact" "$@"
