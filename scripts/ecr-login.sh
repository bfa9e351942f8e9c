#!/bin/sh
# ecr-login.sh - log docker in to a shared ECR registry through an ecr-share token endpoint.
#
# Usage: ecr-login.sh --endpoint URL --registry ACCOUNT_ID [--region REGION] [--registry-region REGION]
#        (see --help, or docs/bootstrap-script.md for the full reference)
#
# Requires only curl >= 7.75 (for --aws-sigv4) and docker. No AWS CLI, jq or python.
#
# EC2 user data example, with this script installed in the AMI as /usr/local/bin/ecr-login.sh;
# the instance role supplies the credentials:
#   #!/bin/sh
#   export ECR_SHARE_ENDPOINT=https://abc123.execute-api.eu-west-1.amazonaws.com/prod ECR_SHARE_REGISTRY=123456789012
#   /usr/local/bin/ecr-login.sh && docker pull 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0
#
# Consumer-side IAM: the calling principal (instance role, user, ...) in the consumer's own
# account needs an identity policy allowing the API call, for example:
#   {"Effect": "Allow", "Action": "execute-api:Invoke",
#    "Resource": "arn:aws:execute-api:eu-west-1:PROVIDER_ACCOUNT_ID:abc123/prod/GET/token"}
# The provider must also list the consumer account; otherwise the endpoint answers 403.
#
# Environment:
#   ECR_SHARE_ENDPOINT, ECR_SHARE_REGISTRY   defaults for --endpoint and --registry
#   ECR_SHARE_REGISTRY_HOST                  docker server to log in to, instead of
#                                            ACCOUNT_ID.dkr.ecr.REGISTRY_REGION.amazonaws.com
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   credentials (else IMDSv2 instance role)
#   AWS_REGION, AWS_DEFAULT_REGION           signing region fallback
#   AWS_EC2_METADATA_SERVICE_ENDPOINT        IMDS base URL (default http://169.254.169.254)
#   AWS_EC2_METADATA_DISABLED=true           never query IMDS
#
# Secrets (keys, tokens, the registry password) never appear on a command line or in output:
# curl reads them from config files in a private temp dir, docker reads the password on stdin.

set -u

readonly PROG=ecr-login

# Exit codes, one per failure class so callers (user data, CI) can branch on them.
readonly EXIT_USAGE=2
readonly EXIT_MISSING_TOOL=3
readonly EXIT_CURL_TOO_OLD=4
readonly EXIT_NO_REGION=5
readonly EXIT_NO_CREDENTIALS=6
readonly EXIT_ENDPOINT_UNREACHABLE=7
readonly EXIT_HTTP_400=10
readonly EXIT_HTTP_403=11
readonly EXIT_HTTP_404=12
readonly EXIT_HTTP_429=13
readonly EXIT_HTTP_502=14
readonly EXIT_HTTP_OTHER=15
readonly EXIT_EMPTY_PASSWORD=16
readonly EXIT_DOCKER_LOGIN=17

# SHA-256 of the empty request body. Sent as x-amz-content-sha256, which curl then signs and uses
# as the payload hash: the request gets the same canonical form AWS SDK signers produce.
readonly EMPTY_PAYLOAD_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

usage() {
    cat <<'EOF'
Usage: ecr-login.sh --endpoint URL --registry ACCOUNT_ID [--region REGION] [--registry-region REGION]

Fetches an ECR login password from an ecr-share token endpoint (SigV4-signed with curl)
and runs `docker login` with it.

Options:
  --endpoint URL             token API base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod
                             (default: $ECR_SHARE_ENDPOINT)
  --registry ACCOUNT_ID      12-digit account id of the shared registry (default: $ECR_SHARE_REGISTRY)
  --region REGION            region used to sign the request (default: parsed from the endpoint host,
                             else $AWS_REGION, $AWS_DEFAULT_REGION, else the EC2 instance region)
  --registry-region REGION   region of the registry (default: the signing region)
  -h, --help                 show this help

Environment:
  ECR_SHARE_REGISTRY_HOST    docker server to log in to (default ACCOUNT_ID.dkr.ecr.REGISTRY_REGION.amazonaws.com)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
                             credentials; without them the EC2 instance role is used via IMDSv2
  AWS_EC2_METADATA_SERVICE_ENDPOINT   IMDS base URL (default http://169.254.169.254)
  AWS_EC2_METADATA_DISABLED=true      do not query IMDS

Exit codes: 1 internal error, 2 usage, 3 missing tool, 4 curl too old, 5 no region, 6 no credentials,
7 endpoint unreachable, 10/11/12/13/14 HTTP 400/403/404/429/502, 15 other HTTP status,
16 empty password, 17 docker login failed.
EOF
}

die() {
    code=$1
    shift
    printf '%s: %s\n' "$PROG" "$*" >&2
    exit "$code"
}

# curl config files need "quoted" values with backslash and double quote escaped.
curl_config_quote() {
    printf '%s' "$1" | sed 's/[\\"]/\\&/g'
}

# Prints the string value of a top-level JSON field (first match), unescaping \" and \\.
# Good enough for the flat objects IMDS and the token endpoint return.
json_string_field() {
    sed -n -E 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"(([^"\\]|\\.)*)".*/\1/p' "$2" \
        | sed -n -e 's/\\"/"/g' -e 's/\\\\/\\/g' -e 1p
}

http_reason() {
    case $1 in
        400) echo "Bad Request" ;;
        403) echo "Forbidden" ;;
        404) echo "Not Found" ;;
        429) echo "Too Many Requests" ;;
        502) echo "Bad Gateway" ;;
        *) echo "HTTP error" ;;
    esac
}

http_exit_code() {
    case $1 in
        400) echo "$EXIT_HTTP_400" ;;
        403) echo "$EXIT_HTTP_403" ;;
        404) echo "$EXIT_HTTP_404" ;;
        429) echo "$EXIT_HTTP_429" ;;
        502) echo "$EXIT_HTTP_502" ;;
        *) echo "$EXIT_HTTP_OTHER" ;;
    esac
}

# --- arguments ----------------------------------------------------------------

endpoint=${ECR_SHARE_ENDPOINT:-}
registry=${ECR_SHARE_REGISTRY:-}
region=
registry_region=

require_value() {
    [ "$#" -ge 2 ] || die "$EXIT_USAGE" "$1 needs a value (see --help)"
}

while [ "$#" -gt 0 ]; do
    case $1 in
        --endpoint) require_value "$@"; endpoint=$2; shift 2 ;;
        --endpoint=*) endpoint=${1#*=}; shift ;;
        --registry) require_value "$@"; registry=$2; shift 2 ;;
        --registry=*) registry=${1#*=}; shift ;;
        --region) require_value "$@"; region=$2; shift 2 ;;
        --region=*) region=${1#*=}; shift ;;
        --registry-region) require_value "$@"; registry_region=$2; shift 2 ;;
        --registry-region=*) registry_region=${1#*=}; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "$EXIT_USAGE" "unknown argument: $1 (see --help)" ;;
    esac
done

[ -n "$endpoint" ] || die "$EXIT_USAGE" "missing --endpoint (or ECR_SHARE_ENDPOINT)"
[ -n "$registry" ] || die "$EXIT_USAGE" "missing --registry (or ECR_SHARE_REGISTRY)"
case $registry in
    *[!0-9]*) die "$EXIT_USAGE" "--registry must be a 12-digit AWS account id, got: $registry" ;;
esac
[ "${#registry}" -eq 12 ] || die "$EXIT_USAGE" "--registry must be a 12-digit AWS account id, got: $registry"

endpoint=${endpoint%/}
# The response is a registry password: refuse plain http except to this machine (tests, tunnels).
case $endpoint in
    https://*) ;;
    http://127.0.0.1[:/]* | http://localhost[:/]* | http://127.0.0.1 | http://localhost) ;;
    *) die "$EXIT_USAGE" "--endpoint must be an https:// URL, got: $endpoint" ;;
esac

# --- tools --------------------------------------------------------------------

command -v curl >/dev/null 2>&1 \
    || die "$EXIT_MISSING_TOOL" "curl not found on PATH; install curl >= 7.75 (e.g. apt-get install curl, dnf install curl)"
command -v docker >/dev/null 2>&1 \
    || die "$EXIT_MISSING_TOOL" "docker not found on PATH; install the docker CLI (https://docs.docker.com/engine/install/)"

curl_version=$(curl --version 2>/dev/null | sed -n '1s/^curl \([0-9][0-9]*\.[0-9][0-9]*\)[^ ]*.*/\1/p')
curl_major=${curl_version%%.*}
curl_minor=${curl_version#*.}
if [ -z "$curl_version" ] || [ "$curl_major" -lt 7 ] || { [ "$curl_major" -eq 7 ] && [ "$curl_minor" -lt 75 ]; }; then
    die "$EXIT_CURL_TOO_OLD" "curl ${curl_version:-of unknown version} is too old: --aws-sigv4 needs curl >= 7.75"
fi

umask 077
tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login.XXXXXX") || die 1 "cannot create a temporary directory"
trap 'rm -rf "$tmp_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- IMDSv2 -------------------------------------------------------------------

imds_base=${AWS_EC2_METADATA_SERVICE_ENDPOINT:-http://169.254.169.254}
imds_base=${imds_base%/}
imds_config=$tmp_dir/imds.conf
imds_failure=

# Short timeouts so a machine that is not on EC2 fails fast; IMDS must never go through a proxy.
imds_curl() {
    curl -sf --noproxy '*' --connect-timeout 2 --max-time 5 "$@"
}

# Fetches the IMDSv2 session token once (or fails once); later GETs send it from a config file.
imds_session() {
    [ -s "$imds_config" ] && return 0
    [ -z "$imds_failure" ] || return 1
    case ${AWS_EC2_METADATA_DISABLED:-} in
        [Tt][Rr][Uu][Ee]) imds_failure="AWS_EC2_METADATA_DISABLED is true"; return 1 ;;
    esac
    imds_token=$(imds_curl -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" "$imds_base/latest/api/token")
    if [ -z "$imds_token" ]; then
        imds_failure="no IMDSv2 token from $imds_base"
        return 1
    fi
    printf 'header = "X-aws-ec2-metadata-token: %s"\n' "$(curl_config_quote "$imds_token")" >"$imds_config"
}

# imds_get PATH OUTPUT_FILE
imds_get() {
    imds_session && imds_curl -K "$imds_config" -o "$2" "$imds_base/latest/$1"
}

# --- region -------------------------------------------------------------------

if [ -z "$region" ]; then
    # https://API_ID.execute-api.REGION.amazonaws.com/STAGE (also matches VPC endpoint names).
    region=$(printf '%s\n' "$endpoint" | sed -n 's|^https*://[^/]*\.execute-api\.\([a-z0-9-]*\)\..*|\1|p')
fi
[ -n "$region" ] || region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
if [ -z "$region" ] && imds_get meta-data/placement/region "$tmp_dir/region"; then
    region=$(sed -n 1p "$tmp_dir/region")
fi
[ -n "$region" ] || die "$EXIT_NO_REGION" \
    "cannot determine the signing region: pass --region, use an execute-api endpoint host, set AWS_REGION, or run on EC2"
registry_region=${registry_region:-$region}

case $registry_region in
    cn-*) registry_domain=amazonaws.com.cn ;;
    *) registry_domain=amazonaws.com ;;
esac
registry_host=${ECR_SHARE_REGISTRY_HOST:-$registry.dkr.ecr.$registry_region.$registry_domain}

# --- credentials --------------------------------------------------------------

access_key_id=${AWS_ACCESS_KEY_ID:-}
secret_access_key=${AWS_SECRET_ACCESS_KEY:-}
session_token=${AWS_SESSION_TOKEN:-}

if [ -z "$access_key_id" ] || [ -z "$secret_access_key" ]; then
    session_token=
    role_file=$tmp_dir/role
    credentials_file=$tmp_dir/credentials.json
    if imds_get meta-data/iam/security-credentials/ "$role_file"; then
        role=$(sed -n 1p "$role_file")
        if [ -n "$role" ] && imds_get "meta-data/iam/security-credentials/$role" "$credentials_file"; then
            access_key_id=$(json_string_field AccessKeyId "$credentials_file")
            secret_access_key=$(json_string_field SecretAccessKey "$credentials_file")
            session_token=$(json_string_field Token "$credentials_file")
            imds_failure="IMDS credentials for role $role are incomplete" # reported only if a field is missing
        else
            imds_failure="cannot read IMDS credentials for role '${role:-}'"
        fi
    elif [ -z "$imds_failure" ]; then
        imds_failure="no instance role attached (IMDS $imds_base)"
    fi
    if [ -z "$access_key_id" ] || [ -z "$secret_access_key" ]; then
        die "$EXIT_NO_CREDENTIALS" "no AWS credentials found: tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" \
            "and the EC2 instance role via IMDSv2 ($imds_failure)"
    fi
fi

# --- token request ------------------------------------------------------------

request_config=$tmp_dir/request.conf
{
    printf 'user = "%s"\n' "$(curl_config_quote "$access_key_id:$secret_access_key")"
    [ -z "$session_token" ] \
        || printf 'header = "x-amz-security-token: %s"\n' "$(curl_config_quote "$session_token")"
} >"$request_config"

# curl signs the query string exactly as written (it neither sorts nor re-encodes it), so
# parameters are listed in SigV4 canonical order and need no escaping (digits only).
token_url="$endpoint/token?format=password&registryIds=$registry"
body_file=$tmp_dir/body

status=$(curl -sS --connect-timeout 10 --max-time 30 \
    --aws-sigv4 "aws:amz:$region:execute-api" -K "$request_config" \
    -H "x-amz-content-sha256: $EMPTY_PAYLOAD_SHA256" \
    -o "$body_file" -w '%{http_code}' "$token_url" 2>"$tmp_dir/curl.err")
curl_exit=$?
[ "$curl_exit" -eq 0 ] || die "$EXIT_ENDPOINT_UNREACHABLE" \
    "cannot reach token endpoint $endpoint: $(tr -s '\r\n' '  ' <"$tmp_dir/curl.err")(curl exit $curl_exit)"

if [ "$status" != 200 ]; then
    # Error bodies are {"error","message","requestId"}; API Gateway's own only have "message",
    # or "Message" when IAM denies execute-api:Invoke.
    error_code=$(json_string_field error "$body_file")
    error_message=$(json_string_field message "$body_file")
    [ -n "$error_message" ] || error_message=$(json_string_field Message "$body_file")
    request_id=$(json_string_field requestId "$body_file")
    if [ -z "$error_message" ]; then
        error_message=$(tr -s '\r\n\t' '   ' <"$body_file" | cut -c 1-200)
    fi
    details=
    [ -z "$error_code" ] || details="error $error_code"
    [ -z "$request_id" ] || details="${details:+$details, }request id $request_id"
    die "$(http_exit_code "$status")" \
        "$status $(http_reason "$status") from token endpoint: ${error_message:-empty response}${details:+ ($details)}"
fi

grep -q '[^[:space:]]' "$body_file" \
    || die "$EXIT_EMPTY_PASSWORD" "token endpoint returned an empty password for registry $registry"

# --- docker login -------------------------------------------------------------

docker login --username AWS --password-stdin "https://$registry_host" <"$body_file"
docker_exit=$?
[ "$docker_exit" -eq 0 ] \
    || die "$EXIT_DOCKER_LOGIN" "docker login to $registry_host failed (docker exit $docker_exit)"
