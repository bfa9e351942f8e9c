#!/bin/sh
# Packages ecr-share for a service-managed CloudFormation StackSet across Regions: builds the Lambda
# artifact once, uploads it to one bucket per Region (Lambda reads code only from a bucket in its own
# Region), and emits plain CloudFormation: service-managed StackSets do not accept templates that use
# macros, and the SAM transform is one, so aws-sam-translator runs here, at package time. The emitted
# template reads its code from "${CodeBucketPrefix}-${AWS::Region}", so one template serves every Region.
#
# usage: scripts/package-stackset.sh --regions us-east-1,eu-west-1 --bucket-prefix BUCKET_PREFIX
#          [--output-dir DIR] [--artifact DIR] [--dry-run]
#   --regions        Regions the StackSet deploys to; bucket BUCKET_PREFIX-REGION must exist in each
#   --bucket-prefix  code buckets are BUCKET_PREFIX-REGION (the template's CodeBucketPrefix default)
#   --output-dir     where functions.zip, template.json and template-url.txt go (default: build/stackset)
#   --artifact       use an artifact built before (scripts/build-artifact.sh DIR) instead of building
#   --dry-run        write everything and print the upload commands without running them
# Uploads with the AWS CLI (`aws s3 cp`), with AWS_ENDPOINT_URL honoured (passed as --endpoint-url).
# Needs: Java 17+ and Maven (unless --artifact), python3 with aws-sam-translator, zip, the AWS CLI (unless
# --dry-run).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  sed -n '8,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

regions="" prefix="" out="$root/build/stackset" artifact="" dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --regions) [ $# -ge 2 ] || usage; regions=$2; shift 2 ;;
    --bucket-prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
    --output-dir) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --artifact) [ $# -ge 2 ] || usage; artifact=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    *) echo "package-stackset: unknown option: $1" >&2; usage ;;
  esac
done
[ -n "$regions" ] || { echo "package-stackset: --regions is required (e.g. --regions us-east-1,eu-west-1)" >&2; exit 2; }
[ -n "$prefix" ] || { echo "package-stackset: --bucket-prefix is required (buckets are PREFIX-REGION)" >&2; exit 2; }
for region in $(echo "$regions" | tr ',' ' '); do
  echo "$region" | grep -Eq '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$' \
    || { echo "package-stackset: --regions: '$region' is not a Region name such as eu-west-1" >&2; exit 2; }
  # S3 bucket names: 3-63 characters, lower case, digits, dots and hyphens.
  echo "$prefix-$region" | grep -Eq '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' \
    || { echo "package-stackset: --bucket-prefix: '$prefix-$region' is not a valid S3 bucket name" >&2; exit 2; }
done
if [ "$dry_run" -eq 0 ] && ! command -v aws >/dev/null 2>&1; then
  echo "package-stackset: the AWS CLI (aws) is needed to upload; install it, or use --dry-run" >&2
  exit 2
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$artifact" ]; then
  echo "package-stackset: building the Lambda artifact once (mvn, about a minute)..."
  "$root/scripts/build-artifact.sh" "$work/artifact"
  artifact="$work/artifact"
fi
[ -d "$artifact" ] || { echo "package-stackset: --artifact $artifact is not a directory" >&2; exit 2; }
rm -f "$out/functions.zip"
(cd "$artifact" && zip -q -r -X "$out/functions.zip" .)
# Content-addressed key: new code, new key, so CloudFormation updates the functions (and publishes versions).
digest=$(sha256sum "$out/functions.zip" | cut -c1-16)
key="ecr-share/functions-$digest.zip"

echo "package-stackset: translating template.yaml to plain CloudFormation (aws-sam-translator)"
AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1} python3 - "$root/template.yaml" "$out/template.json" "$prefix" "$key" <<'PY'
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

source, target, prefix, key = sys.argv[1:5]

class NoManagedPolicies:
    """The template names no AWS managed policy by name, so nothing needs looking up in IAM."""
    def load(self):
        return {}

template = yaml_parse(open(source).read())
template["Parameters"]["CodeBucketPrefix"] = {
    "Type": "String", "Default": prefix, "AllowedPattern": "^[a-z0-9][a-z0-9.-]{1,40}$",
    "Description": "The functions' code is read from bucket CodeBucketPrefix-REGION (scripts/package-stackset.sh).",
}
template["Globals"]["Function"]["CodeUri"] = {"Bucket": prefix, "Key": key}
result = transform(template, {}, NoManagedPolicies())
# SAM resolves pseudo parameters in CodeUri at translation time; the bucket must follow the stack's Region.
per_region = {"Fn::Sub": "${CodeBucketPrefix}-${AWS::Region}"}
functions = 0
for resource in result["Resources"].values():
    if resource["Type"] == "AWS::Lambda::Function":
        resource["Properties"]["Code"]["S3Bucket"] = per_region
        functions += 1
if "Transform" in result or functions == 0:
    sys.exit("package-stackset: translation left a transform or produced no function")
json.dump(result, open(target, "w"), indent=1, sort_keys=False)
size = len(json.dumps(result, separators=(",", ":")))
print(f"package-stackset: {functions} functions, template {size} bytes minified")
PY

# One upload per Region for the code, and the template once (StackSets read it from any Region's bucket).
upload() { # FILE BUCKET KEY REGION
  set -- s3 cp "$1" "s3://$2/$3" --region "$4"
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    set -- "$@" --endpoint-url "$AWS_ENDPOINT_URL"
  fi
  if [ "$dry_run" -eq 1 ]; then
    echo "would run: aws $*"
  else
    echo "aws $*"
    aws "$@" >/dev/null
  fi
}
for region in $(echo "$regions" | tr ',' ' '); do
  upload "$out/functions.zip" "$prefix-$region" "$key" "$region"
done
first=$(echo "$regions" | cut -d, -f1)
template_key="ecr-share/template-$(sha256sum "$out/template.json" | cut -c1-16).json"
upload "$out/template.json" "$prefix-$first" "$template_key" "$first"
template_url="https://$prefix-$first.s3.$first.amazonaws.com/$template_key"
echo "$template_url" >"$out/template-url.txt"

cat <<EOF
package-stackset: done.
  code:      s3://$prefix-REGION/$key in $(echo "$regions" | tr ',' ' ')
  template:  $out/template.json (plain CloudFormation, no Transform)
  TemplateURL for create-stack-set / update-stack-set (also in $out/template-url.txt):
             $template_url
EOF
