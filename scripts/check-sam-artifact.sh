#!/bin/sh
# Builds the Lambda artifact the way `sam build` does (scripts/build-artifact.sh) and checks it. SAM copies the
# CodeUri folder alone to a scratch directory, runs `mvn clean install` there, copies the runtime dependencies,
# and ships target/classes plus lib/*.jar. Doing the same here proves the CodeUri builds on its own (no sibling
# module, no parent POM) and lets us inspect exactly what is deployed.
set -eu
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifact="$scratch/artifact"
./scripts/build-artifact.sh "$artifact"

status=0
# No Netty or Apache HTTP client in the artifact (the functions use the JDK's URL connection client), and no
# event-stream jars (ECR, STS and SNS never stream): SDK upgrades bring them back as new transitive
# dependencies (2.57 added apache5-client with httpclient5/httpcore5, and auth's eventstream).
for jar in "$artifact"/lib/*.jar; do
  case "${jar##*/}" in
    *netty* | *apache-client* | *apache5-client* | *httpclient* | *httpcore* | *eventstream*)
      echo "FAIL: the artifact contains a jar it must not ship (HTTP client or event stream): ${jar##*/}" >&2
      status=1
      ;;
  esac
done
# Every Handler in template.yaml must be a class in the artifact.
handlers=$(grep -E '^[[:space:]]+Handler:' template.yaml | sed -E 's/^[[:space:]]*Handler:[[:space:]]*//; s/::.*//')
for handler in $handlers; do
  class="$artifact/$(echo "$handler" | tr . /).class"
  if [ ! -f "$class" ]; then
    echo "FAIL: handler class $handler is not in the artifact" >&2
    status=1
  fi
done

size_kib=$(du -sk "$artifact" | cut -f1)
zip_bytes=$(cd "$artifact" && python3 -c "import os,zipfile,io
buf=io.BytesIO()
with zipfile.ZipFile(buf,'w',zipfile.ZIP_DEFLATED) as z:
    for root,_,files in os.walk('.'):
        for f in files: z.write(os.path.join(root,f))
print(len(buf.getvalue()))")
set -- "$artifact"/lib/*.jar
echo "SAM-style artifact: $# jars in lib/, ${size_kib} KiB unpacked, $((zip_bytes / 1024)) KiB zipped"
if [ "${VERBOSE:-}" = 1 ]; then
  # largest first
  for jar in "$artifact"/lib/*.jar; do printf '%s %s\n' "$(stat -c %s "$jar")" "${jar##*/}"; done | sort -rn |
    while read -r bytes jar; do printf '  %6s KiB  %s\n' "$((bytes / 1024))" "$jar"; done
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
echo "SAM-style artifact check passed"
