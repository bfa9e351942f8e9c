#!/bin/sh
# ecr-login.sh - log docker in to a shared ECR registry through an ecr-share token endpoint.
#
# Usage: ecr-login.sh --endpoint URL --registry ACCOUNT_ID [--region REGION] [--registry-region REGION]
#                     [--max-wait SECONDS] [--print-expiry | --print-json]
#        (see --help, or docs/bootstrap-script.md for the full reference)
#
# Requires only curl (any version: with curl < 7.75 the script signs the request itself, using
# sha256sum or openssl for SHA-256) and docker. No AWS CLI, jq or python.
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
# Credentials, in the AWS SDKs' order: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN];
# static keys of profile AWS_PROFILE (default "default") in AWS_SHARED_CREDENTIALS_FILE
# (~/.aws/credentials) or AWS_CONFIG_FILE (~/.aws/config); container credentials
# (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]:
# ECS, EKS Pod Identity); the EC2 instance role via IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT,
# AWS_EC2_METADATA_DISABLED=true to skip).
#
# Throttling (429), server errors (5xx), connection failures and credentials that are not ready yet
# are retried with exponential backoff and full jitter (honouring Retry-After) for up to --max-wait
# seconds; 400, 403 and 404 fail at once.
#
# Secrets (keys, tokens, the registry password, derived signing keys) never appear on a command
# line or in output: curl reads them from config files in a private temp dir, docker reads the
# password on stdin, and the fallback signer keeps keys in shell variables and builtins only.

set -u

readonly PROG=ecr-login

# Exit codes, one per failure class so callers (user data, CI) can branch on them.
readonly EXIT_USAGE=2
readonly EXIT_MISSING_TOOL=3
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

# SHA-256 of the empty request body, signed as x-amz-content-sha256 (the canonical form the AWS SDK
# signers produce).
readonly EMPTY_PAYLOAD_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

# Retry schedule: attempt n waits a random time in [0, min(CAP, BASE * 2^(n-1))] ("full jitter"),
# plus Retry-After when the server sends one. With the template's default throttle (50/s, burst 100)
# 1,000 hosts booting together log in with under 4 requests each on average (docs/benchmarks.md).
# ECR_SHARE_BACKOFF_BASE_MS / ECR_SHARE_BACKOFF_CAP_MS tune it (e.g. a larger cap for a fleet far
# bigger than the endpoint's rate; the tests use short ones).
readonly BACKOFF_BASE_MS="${ECR_SHARE_BACKOFF_BASE_MS:-2000}"
readonly BACKOFF_CAP_MS="${ECR_SHARE_BACKOFF_CAP_MS:-20000}"
readonly DEFAULT_MAX_WAIT=300

usage() {
    cat <<'EOF'
Usage: ecr-login.sh --endpoint URL --registry ACCOUNT_ID [--region REGION] [--registry-region REGION]
                    [--max-wait SECONDS] [--print-expiry | --print-json]

Fetches an ECR login password from an ecr-share token endpoint (SigV4-signed with curl)
and runs `docker login` with it.

Options:
  --endpoint URL             token API base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod
                             (default: $ECR_SHARE_ENDPOINT)
  --registry ACCOUNT_ID      12-digit account id of the shared registry (default: $ECR_SHARE_REGISTRY)
  --region REGION            region used to sign the request (default: parsed from the endpoint host,
                             else $AWS_REGION, $AWS_DEFAULT_REGION, else the EC2 instance region)
  --registry-region REGION   region of the registry (default: the signing region)
  --max-wait SECONDS         give up retrying throttling, 5xx, connection failures and credentials
                             that are not ready after this long (default 300; 0 = one attempt)
  --print-expiry             after logging in, print when the password expires (ISO 8601, UTC)
  --print-json               do not run docker: print the endpoint's JSON answer (password,
                             authorizationToken, proxyEndpoint, expiresAt) on stdout
  -h, --help                 show this help

Environment:
  ECR_SHARE_REGISTRY_HOST    docker server to log in to (default ACCOUNT_ID.dkr.ecr.REGISTRY_REGION.amazonaws.com)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   credentials, else:
  AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE     static keys of a profile, else:
  AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]
                             container credentials (ECS, EKS Pod Identity), else the EC2 instance role:
  AWS_EC2_METADATA_SERVICE_ENDPOINT   IMDS base URL (default http://169.254.169.254)
  AWS_EC2_METADATA_DISABLED=true      do not query IMDS

Exit codes: 1 internal error, 2 usage, 3 missing tool, 5 no region, 6 no credentials,
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

have() {
    command -v "$1" >/dev/null 2>&1
}

# curl config files need "quoted" values with backslash and double quote escaped.
curl_config_quote() {
    printf '%s' "$1" | sed 's/[\\"]/\\&/g'
}

# Prints the string value of a top-level JSON field (first match), unescaping \" and \\.
# Good enough for the flat objects IMDS, container credentials and the token endpoint return.
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
        500) echo "Internal Server Error" ;;
        502) echo "Bad Gateway" ;;
        503) echo "Service Unavailable" ;;
        504) echo "Gateway Timeout" ;;
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
max_wait=$DEFAULT_MAX_WAIT
output_mode=login

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
        --max-wait) require_value "$@"; max_wait=$2; shift 2 ;;
        --max-wait=*) max_wait=${1#*=}; shift ;;
        --print-expiry) output_mode=expiry; shift ;;
        --print-json) output_mode=json; shift ;;
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
case $max_wait in
    '' | *[!0-9]*) die "$EXIT_USAGE" "--max-wait must be a whole number of seconds, got: $max_wait" ;;
esac
case $BACKOFF_BASE_MS$BACKOFF_CAP_MS in
    *[!0-9]*) die "$EXIT_USAGE" "ECR_SHARE_BACKOFF_BASE_MS and ECR_SHARE_BACKOFF_CAP_MS must be whole milliseconds" ;;
esac
[ "$BACKOFF_BASE_MS" -gt 0 ] || die "$EXIT_USAGE" "ECR_SHARE_BACKOFF_BASE_MS must be positive"

endpoint=${endpoint%/}
# The response is a registry password: refuse plain http except to this machine (tests, tunnels).
case $endpoint in
    https://*) ;;
    http://127.0.0.1[:/]* | http://localhost[:/]* | http://127.0.0.1 | http://localhost) ;;
    *) die "$EXIT_USAGE" "--endpoint must be an https:// URL, got: $endpoint" ;;
esac

# --- tools --------------------------------------------------------------------

have curl || die "$EXIT_MISSING_TOOL" "curl not found on PATH; install curl (e.g. apt-get install curl, dnf install curl)"
if [ "$output_mode" != json ]; then
    have docker || die "$EXIT_MISSING_TOOL" "docker not found on PATH; install the docker CLI (https://docs.docker.com/engine/install/)"
fi

# curl >= 7.75 signs with --aws-sigv4; older curl (Ubuntu 20.04, Debian 11, RHEL 8) gets a request
# this script signed itself. A curl that claims 7.75+ but rejects the option falls back too.
curl_version=$(curl --version 2>/dev/null | sed -n '1s/^curl \([0-9][0-9]*\.[0-9][0-9]*\)[^ ]*.*/\1/p')
curl_major=${curl_version%%.*}
curl_minor=${curl_version#*.}
if [ -n "$curl_version" ] && { [ "$curl_major" -gt 7 ] || { [ "$curl_major" -eq 7 ] && [ "$curl_minor" -ge 75 ]; }; }; then
    signer=curl
else
    signer=shell
fi

umask 077
tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login.XXXXXX") || die 1 "cannot create a temporary directory"
trap 'rm -rf "$tmp_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- retries ------------------------------------------------------------------

now_seconds() {
    date -u +%s
}

deadline=$(($(now_seconds) + max_wait))
attempt=0
# Set by every retryable step: the exit code and message to fail with if time runs out, and the
# server's Retry-After in seconds (empty if none).
last_code=
last_error=
retry_after=

# A uniformly random number of milliseconds in [0, $1], from /dev/urandom: hosts that boot in the
# same second must not share a seed (awk's srand() would give them one).
random_ms() {
    r=$(od -An -N4 -tu4 /dev/urandom 2>/dev/null | tr -d ' \n')
    [ -n "$r" ] || r=$(($$ * 7919))
    echo $((r % ($1 + 1)))
}

sleep_ms() {
    seconds=$(($1 / 1000))
    fraction=$(printf '%03d' $(($1 % 1000)))
    # POSIX sleep takes whole seconds; GNU, busybox and BSD sleep take fractions.
    sleep "$seconds.$fraction" 2>/dev/null || sleep $((seconds + 1))
}

# Called after a retryable failure (last_code/last_error set): waits with backoff and returns 0 to
# try again, or fails with the last error once --max-wait has passed.
backoff_or_die() {
    attempt=$((attempt + 1))
    remaining=$((deadline - $(now_seconds)))
    [ "$remaining" -gt 0 ] || die "$last_code" "$last_error (gave up after $max_wait s, $attempt attempts)"
    cap=$BACKOFF_BASE_MS
    doubled=1
    while [ "$doubled" -lt "$attempt" ] && [ "$cap" -lt "$BACKOFF_CAP_MS" ]; do
        cap=$((cap * 2))
        doubled=$((doubled + 1))
    done
    [ "$cap" -le "$BACKOFF_CAP_MS" ] || cap=$BACKOFF_CAP_MS
    delay=$(random_ms "$cap")
    case $retry_after in
        '' | *[!0-9]*) ;;
        *) delay=$((delay + retry_after * 1000)) ;;
    esac
    [ "$delay" -le $((remaining * 1000)) ] || delay=$((remaining * 1000))
    printf '%s: %s; retry %d in %d.%01d s\n' "$PROG" "$last_error" "$attempt" \
        $((delay / 1000)) $((delay % 1000 / 100)) >&2
    sleep_ms "$delay"
}

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
# Each source sets access_key_id, secret_access_key and session_token, or says
# why it has none (tried). Sources return 0 (found), 1 (not configured: try the next one), 2 (fatal,
# last_code/last_error set) or 3 (configured but not ready yet: retry, last_code/last_error set).

access_key_id=
secret_access_key=
session_token=
tried=

from_environment() {
    tried="AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
    [ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ] || return 1
    access_key_id=$AWS_ACCESS_KEY_ID
    secret_access_key=$AWS_SECRET_ACCESS_KEY
    session_token=${AWS_SESSION_TOKEN:-}
}

# ini_value FILE SECTION KEY: the value of KEY in [SECTION] of an AWS shared config/credentials file.
ini_value() {
    [ -r "$1" ] || return 0
    awk -v want="$2" -v key="$3" '
        /^[ \t]*[\[]/ {
            section = $0
            sub(/^[ \t]*[\[][ \t]*/, "", section)
            sub(/[ \t]*[\]].*$/, "", section)
            inside = (section == want)
            next
        }
        inside {
            line = $0
            eq = index(line, "=")
            if (eq == 0) next
            name = substr(line, 1, eq - 1)
            gsub(/^[ \t]+|[ \t]+$/, "", name)
            if (tolower(name) != key) next
            value = substr(line, eq + 1)
            gsub(/^[ \t]+|[ \t\r]+$/, "", value)
            print value
            exit
        }' "$1"
}

# ini_has_section FILE SECTION
ini_has_section() {
    [ -r "$1" ] && awk -v want="$2" '
        /^[ \t]*[\[]/ {
            section = $0
            sub(/^[ \t]*[\[][ \t]*/, "", section)
            sub(/[ \t]*[\]].*$/, "", section)
            if (section == want) { found = 1; exit }
        }
        END { exit !found }' "$1"
}

from_profile() {
    profile=${AWS_PROFILE:-${AWS_DEFAULT_PROFILE:-default}}
    credentials_file=${AWS_SHARED_CREDENTIALS_FILE:-${HOME:-/nonexistent}/.aws/credentials}
    config_file=${AWS_CONFIG_FILE:-${HOME:-/nonexistent}/.aws/config}
    tried="$tried, profile $profile in $credentials_file and $config_file"
    config_section="profile $profile"
    if [ "$profile" = default ] && ! ini_has_section "$config_file" "$config_section"; then
        config_section=default
    fi
    in_credentials=false
    in_config=false
    ! ini_has_section "$credentials_file" "$profile" || in_credentials=true
    ! ini_has_section "$config_file" "$config_section" || in_config=true
    if [ "$in_credentials" = false ] && [ "$in_config" = false ]; then
        if [ -n "${AWS_PROFILE:-}" ]; then
            last_code=$EXIT_NO_CREDENTIALS
            last_error="AWS_PROFILE=$profile, but neither $credentials_file nor $config_file has that profile"
            return 2
        fi
        return 1
    fi
    # The credentials file wins over the config file, key by key, as in the SDKs.
    for key in aws_access_key_id aws_secret_access_key aws_session_token; do
        value=
        [ "$in_credentials" = false ] || value=$(ini_value "$credentials_file" "$profile" "$key")
        [ -n "$value" ] || [ "$in_config" = false ] || value=$(ini_value "$config_file" "$config_section" "$key")
        case $key in
            aws_access_key_id) access_key_id=$value ;;
            aws_secret_access_key) secret_access_key=$value ;;
            aws_session_token) session_token=$value ;;
        esac
    done
    if [ -n "$access_key_id" ] && [ -n "$secret_access_key" ]; then
        return 0
    fi
    # Profiles that need an STS, SSO or process call: the SDKs can use them, this script cannot.
    for key in role_arn credential_process sso_session sso_start_url web_identity_token_file credential_source; do
        value=
        [ "$in_credentials" = false ] || value=$(ini_value "$credentials_file" "$profile" "$key")
        [ -n "$value" ] || [ "$in_config" = false ] || value=$(ini_value "$config_file" "$config_section" "$key")
        if [ -n "$value" ]; then
            last_code=$EXIT_NO_CREDENTIALS
            last_error="profile $profile uses $key, which ecr-login.sh cannot use (it reads static keys only);"
            last_error="$last_error export temporary keys instead, e.g. eval \"\$(aws configure export-credentials --profile $profile --format env)\""
            return 2
        fi
    done
    # A profile with settings but no credentials (e.g. only a region): the next source, as in the SDKs.
    tried="$tried (no keys in it)"
    return 1
}

# Container credentials, as the SDKs read them (ECS task roles, EKS Pod Identity, SnapStart Lambda).
from_container() {
    if [ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ]; then
        container_url="http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
    elif [ -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]; then
        container_url=$AWS_CONTAINER_CREDENTIALS_FULL_URI
        # The SDKs accept plain http only to loopback and the ECS/EKS link-local agents.
        case $container_url in
            https://*) ;;
            http://127.[0-9]*[:/]* | http://localhost[:/]* | http://\[::1\][:/]* | http://169.254.170.2[:/]* | \
                http://169.254.170.23[:/]* | http://\[fd00:ec2::23\][:/]*) ;;
            *)
                last_code=$EXIT_NO_CREDENTIALS
                last_error="AWS_CONTAINER_CREDENTIALS_FULL_URI must be https:// or a loopback or ECS/EKS agent address, got $container_url"
                return 2
                ;;
        esac
    else
        tried="$tried, container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI not set)"
        return 1
    fi
    tried="$tried, container credentials $container_url"
    container_config=$tmp_dir/container.conf
    : >"$container_config"
    authorization=
    if [ -n "${AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE:-}" ]; then
        if ! authorization=$(cat "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" 2>/dev/null); then
            last_code=$EXIT_NO_CREDENTIALS
            last_error="cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE $AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
            return 3
        fi
    else
        authorization=${AWS_CONTAINER_AUTHORIZATION_TOKEN:-}
    fi
    if [ -n "$authorization" ]; then
        printf 'header = "Authorization: %s"\n' "$(curl_config_quote "$authorization")" >"$container_config"
    fi
    container_json=$tmp_dir/container.json
    if ! curl -sf --noproxy '*' --connect-timeout 2 --max-time 5 -K "$container_config" \
        -o "$container_json" "$container_url" 2>/dev/null; then
        last_code=$EXIT_NO_CREDENTIALS
        last_error="no container credentials from $container_url"
        return 3
    fi
    credentials_from_json "$container_json" "container credentials from $container_url"
}

# The credentials document the container agent and IMDS both serve (AccessKeyId, SecretAccessKey, Token).
credentials_from_json() {
    access_key_id=$(json_string_field AccessKeyId "$1")
    secret_access_key=$(json_string_field SecretAccessKey "$1")
    session_token=$(json_string_field Token "$1")
    if [ -z "$access_key_id" ] || [ -z "$secret_access_key" ]; then
        last_code=$EXIT_NO_CREDENTIALS
        last_error="$2 are incomplete"
        return 3
    fi
}

from_imds() {
    tried="$tried, the EC2 instance role via IMDSv2"
    role_file=$tmp_dir/role
    imds_json=$tmp_dir/imds-credentials.json
    if ! imds_session; then
        # No IMDS at all (not on EC2, disabled, hop limit): nothing to wait for.
        last_code=$EXIT_NO_CREDENTIALS
        last_error="no AWS credentials found: tried $tried ($imds_failure)"
        return 2
    fi
    # IMDS answers, but an instance profile attached at launch can take a moment to show up.
    if ! imds_get meta-data/iam/security-credentials/ "$role_file"; then
        last_code=$EXIT_NO_CREDENTIALS
        last_error="no instance role attached yet (IMDS $imds_base)"
        return 3
    fi
    role=$(sed -n 1p "$role_file")
    if [ -z "$role" ] || ! imds_get "meta-data/iam/security-credentials/$role" "$imds_json"; then
        last_code=$EXIT_NO_CREDENTIALS
        last_error="cannot read IMDS credentials for role '${role:-}'"
        return 3
    fi
    credentials_from_json "$imds_json" "IMDS credentials for role $role"
}

resolve_credentials() {
    for source in from_environment from_profile from_container from_imds; do
        access_key_id=
        secret_access_key=
        session_token=
        "$source"
        status=$?
        case $status in
            0) return 0 ;;
            1) ;;
            *) return "$status" ;;
        esac
    done
    last_code=$EXIT_NO_CREDENTIALS
    last_error="no AWS credentials found: tried $tried"
    return 2
}

while :; do
    tried=
    retry_after=
    resolve_credentials
    case $? in
        0) break ;;
        3) backoff_or_die ;;
        *) die "$last_code" "$last_error" ;;
    esac
done

# --- SigV4 in the shell (curl < 7.75) -------------------------------------------
# RFC 2104 HMAC-SHA256 from a plain SHA-256 over stdin: keys live in shell variables as hex and
# reach sha256sum/openssl only through a pipe, built with the printf builtin, so no key, secret,
# derived key or token is ever an argument of a program (`openssl dgst -hmac KEY` would be).

sha256_hex() {
    if have sha256sum; then
        sha256sum | cut -d ' ' -f 1
    else
        openssl dgst -sha256 | sed 's/^.*= *//'
    fi
}

# Hex of a string's bytes (from stdin of od: the string never is an argument).
string_hex() {
    printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# to_escapes HEX PAD LENGTH: sets $escapes to printf octal escapes (\ooo) of the bytes HEX describes,
# each XORed with PAD, followed by PAD bytes up to LENGTH bytes. Shell arithmetic only, no fork:
# the bytes of a key never leave this shell except through a pipe.
to_escapes() {
    rest=$1
    escapes=
    count=0
    while [ -n "$rest" ] || [ "$count" -lt "$3" ]; do
        if [ -n "$rest" ]; then
            byte=$((0x${rest%"${rest#??}"} ^ $2))
            rest=${rest#??}
        else
            byte=$2
        fi
        escapes="$escapes\\$((byte >> 6 & 7))$((byte >> 3 & 7))$((byte & 7))"
        count=$((count + 1))
    done
}

# hmac KEY_HEX MESSAGE: sets $hmac to HMAC-SHA256(key, message) as hex (RFC 2104, block size 64).
hmac() {
    key=$1
    if [ "${#key}" -gt 128 ]; then
        to_escapes "$key" 0 0
        # shellcheck disable=SC2059 # the format string is the escaped bytes, by design
        key=$(printf "$escapes" | sha256_hex)
    fi
    to_escapes "$key" 54 64
    inner_pad=$escapes
    to_escapes "$key" 92 64
    outer_pad=$escapes
    # shellcheck disable=SC2059
    inner=$({ printf "$inner_pad"; printf '%s' "$2"; } | sha256_hex)
    to_escapes "$inner" 0 0
    # shellcheck disable=SC2059
    hmac=$({ printf "$outer_pad"; printf "$escapes"; } | sha256_hex)
}

# Writes curl config lines with the SigV4 headers for GET $1 (URL without query) with query $2.
shell_sigv4_headers() {
    url=$1
    query=$2
    authority=${url#*://}
    authority=${authority%%/*}
    case $url in
        https://*) authority=${authority%:443} ;;
        http://*) authority=${authority%:80} ;;
    esac
    path=/${url#*://*/}
    [ "$path" != "/$url" ] || path=/
    amz_date=$(date -u +%Y%m%dT%H%M%SZ)
    date_stamp=${amz_date%%T*}
    scope="$date_stamp/$region/execute-api/aws4_request"
    signed_headers="host;x-amz-content-sha256;x-amz-date"
    canonical_headers="host:$authority
x-amz-content-sha256:$EMPTY_PAYLOAD_SHA256
x-amz-date:$amz_date"
    if [ -n "$session_token" ]; then
        signed_headers="$signed_headers;x-amz-security-token"
        canonical_headers="$canonical_headers
x-amz-security-token:$session_token"
    fi
    canonical_request="GET
$path
$query
$canonical_headers

$signed_headers
$EMPTY_PAYLOAD_SHA256"
    request_hash=$(printf '%s' "$canonical_request" | sha256_hex)
    string_to_sign="AWS4-HMAC-SHA256
$amz_date
$scope
$request_hash"
    hmac "$(string_hex "AWS4$secret_access_key")" "$date_stamp"
    hmac "$hmac" "$region"
    hmac "$hmac" execute-api
    hmac "$hmac" aws4_request
    hmac "$hmac" "$string_to_sign"
    signature=$hmac
    printf 'header = "x-amz-date: %s"\n' "$amz_date"
    printf 'header = "x-amz-content-sha256: %s"\n' "$EMPTY_PAYLOAD_SHA256"
    printf 'header = "Authorization: AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"\n' \
        "$(curl_config_quote "$access_key_id")" "$scope" "$signed_headers" "$signature"
    [ -z "$session_token" ] \
        || printf 'header = "x-amz-security-token: %s"\n' "$(curl_config_quote "$session_token")"
}

if [ "$signer" = shell ] && ! have sha256sum && ! have openssl; then
    die "$EXIT_MISSING_TOOL" "curl ${curl_version:-of unknown version} has no --aws-sigv4 and neither sha256sum nor openssl is on PATH"
fi

# --- token request ------------------------------------------------------------

# Both signers sign the query string exactly as written, so parameters are listed in SigV4
# canonical order and need no escaping (digits only).
token_path="$endpoint/token"
token_query="format=json&registryIds=$registry"
body_file=$tmp_dir/body
headers_file=$tmp_dir/headers
request_config=$tmp_dir/request.conf

# One request; returns 0 (200), 2 (fatal) or 3 (retryable), setting last_code/last_error/retry_after.
fetch_token() {
    retry_after=
    if [ "$signer" = curl ]; then
        {
            printf 'user = "%s"\n' "$(curl_config_quote "$access_key_id:$secret_access_key")"
            [ -z "$session_token" ] \
                || printf 'header = "x-amz-security-token: %s"\n' "$(curl_config_quote "$session_token")"
            printf 'header = "x-amz-content-sha256: %s"\n' "$EMPTY_PAYLOAD_SHA256"
        } >"$request_config"
        set -- --aws-sigv4 "aws:amz:$region:execute-api"
    else
        shell_sigv4_headers "$token_path" "$token_query" >"$request_config"
        set --
    fi
    : >"$body_file"
    : >"$headers_file"
    status=$(curl -sS --connect-timeout 10 --max-time 30 "$@" -K "$request_config" \
        -D "$headers_file" -o "$body_file" -w '%{http_code}' "$token_path?$token_query" 2>"$tmp_dir/curl.err")
    curl_exit=$?
    if [ "$curl_exit" -ne 0 ]; then
        if [ "$signer" = curl ] && grep -q 'aws-sigv4' "$tmp_dir/curl.err"; then
            # A curl build without --aws-sigv4 despite its version: sign in the shell from now on.
            signer=shell
            fetch_token
            return
        fi
        last_code=$EXIT_ENDPOINT_UNREACHABLE
        last_error="cannot reach token endpoint $endpoint: $(tr -s '\r\n' '  ' <"$tmp_dir/curl.err")(curl exit $curl_exit)"
        return 3
    fi
    [ "$status" != 200 ] || return 0

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
    last_code=$(http_exit_code "$status")
    last_error="$status $(http_reason "$status") from token endpoint: ${error_message:-empty response}${details:+ ($details)}"
    case $status in
        429 | 5??)
            retry_after=$(sed -n 's/^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]:[[:space:]]*\([0-9][0-9]*\).*/\1/p' \
                "$headers_file" | sed -n 1p)
            return 3
            ;;
    esac
    return 2
}

while :; do
    fetch_token
    case $? in
        0) break ;;
        3) backoff_or_die ;;
        *) die "$last_code" "$last_error" ;;
    esac
done

password=$(json_string_field password "$body_file")
[ -n "$password" ] || die "$EXIT_EMPTY_PASSWORD" "token endpoint returned an empty password for registry $registry"
expires_at=$(json_string_field expiresAt "$body_file")

if [ "$output_mode" = json ]; then
    cat "$body_file"
    echo
    exit 0
fi

# --- docker login -------------------------------------------------------------

printf '%s' "$password" | docker login --username AWS --password-stdin "https://$registry_host"
docker_exit=$?
[ "$docker_exit" -eq 0 ] \
    || die "$EXIT_DOCKER_LOGIN" "docker login to $registry_host failed (docker exit $docker_exit)"
[ "$output_mode" != expiry ] || printf '%s\n' "$expires_at"
