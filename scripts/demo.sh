#!/bin/sh
# Runs ecr-share end to end on this machine, with no AWS account: starts moto on 127.0.0.1 as the AWS
# stand-in, points every client at it through AWS_ENDPOINT_URL, and drives the real handlers with the
# events in events/ through the whole lifecycle, printing what happens. Exits non-zero if any step does not
# turn out as stated. Stops what it started, also when interrupted.
#
# Needs: Java 17+, Maven 3.8+, python3 and moto_server (pip install 'moto[server]'), curl; for the last step (a
# real pull with skopeo through docker-credential-ecr-share) docker-registry, skopeo and apache2-utils (apt-get install).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

command -v moto_server >/dev/null 2>&1 || {
  echo "demo: moto_server is not installed: pip install 'moto[server]'" >&2
  exit 2
}

# Build first (no moto needed yet), in the background, showing progress; on failure show Maven's own output.
if [ -z "${ECR_SHARE_DEMO_CLASSPATH:-}" ]; then
  echo "demo: building the functions (mvn test-compile; 10-60 s, longer on the first run while Maven downloads)"
  build_log=$(mktemp)
  mvn -B -q -ntp -Dstyle.color=never -f functions/pom.xml test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=test >"$build_log" 2>&1 &
  build_pid=$!
  trap 'kill "$build_pid" 2>/dev/null; echo "demo: interrupted" >&2; exit 130' INT TERM
  seconds=0
  while kill -0 "$build_pid" 2>/dev/null; do
    sleep 1
    seconds=$((seconds + 1))
    if [ $((seconds % 5)) -eq 0 ]; then
      echo "demo: still building (${seconds} s)"
    fi
  done
  if ! wait "$build_pid"; then
    # Debian's Maven prints bare colour resets even in batch mode: strip them.
    sed "s/$(printf '\033')\[[0-9;]*m//g" "$build_log" >&2
    echo "demo: the build failed (Maven's output above); nothing was started" >&2
    exit 1
  fi
  rm -f "$build_log"
  echo "demo: built in ${seconds} s"
  ECR_SHARE_DEMO_CLASSPATH="functions/target/classes:functions/target/test-classes:$(cat functions/target/demo.classpath)"
fi

moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
    echo "demo: stopped moto (pid $moto_pid)"
  fi
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
moto_log=$(mktemp)
moto_server -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  kill -0 "$moto_pid" 2>/dev/null || { echo "demo: moto did not start:" >&2; cat "$moto_log" >&2; exit 1; }
  sleep 0.2
done
echo "demo: moto is the AWS stand-in on http://127.0.0.1:$port (pid $moto_pid)"

# The deployment's configuration, as template.yaml would pass it to the functions.
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
unset AWS_SESSION_TOKEN AWS_PROFILE
export SHARE_TAG_KEY=ecr-share SHARE_TAG_VALUE=true
export CONSUMER_ACCOUNT_IDS=111111111111,222222222222
export CONSUMER_PRINCIPAL_ARNS=arn:aws:iam::333333333333:role/puller
export CONSUMER_ORG_IDS=o-a1b2c3d4e5
export OWNER_ACCOUNT_ID=123456789012
export ENFORCEMENT_MODE=merge
export OWN_ROLE_ARNS=arn:aws:iam::123456789012:role/ecr-share-EnforceFunctionRole-1A2B3C4D5E6F,arn:aws:iam::123456789012:role/ecr-share-GrantFunctionRole-0F9E8D7C6B5A
export TOKEN_ROLE_ARN=arn:aws:iam::123456789012:role/ecr-share-TokenMintingRole-7H8J9K0L1M2N

# Not exec: the trap must still stop moto when Java exits or is interrupted.
java -cp "$ECR_SHARE_DEMO_CLASSPATH" io.ecrshare.demo.LocalDemo "$root" &
java_pid=$!
trap 'echo "demo: interrupted" >&2; kill "$java_pid" 2>/dev/null; exit 130' INT TERM
wait "$java_pid"
