#!/usr/bin/env bash
# Refer a person to Harbour with curl: create the referral with an Idempotency-Key, send the very same
# request again (as a client would after a timeout) to show that it is replayed rather than duplicated,
# then poll the referral's status.
#
#   HARBOUR_URL=http://localhost:3000 HARBOUR_API_KEY=pk_... ./examples/curl/refer.sh
#
# Optional: IDEMPOTENCY_KEY (default: a new UUID), POLL_TIMES (default 3), POLL_INTERVAL seconds (default 5).
# Needs bash, curl and node (to read JSON; jq would do as well).
set -euo pipefail

: "${HARBOUR_URL:?Set HARBOUR_URL, e.g. http://localhost:3000}"
: "${HARBOUR_API_KEY:?Set HARBOUR_API_KEY to your partner API key (pk_...)}"
base="${HARBOUR_URL%/}"
idempotency_key="${IDEMPOTENCY_KEY:-$(node -p 'crypto.randomUUID()')}"
poll_times="${POLL_TIMES:-3}"
poll_interval="${POLL_INTERVAL:-5}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# field FILE NAME: a top-level field of the JSON in FILE (empty when absent).
field() { node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(j[process.argv[2]] ?? "")' "$1" "$2"; }
# header NAME: the value of a header of the last answer (names are case-insensitive).
header() { { grep -i "^$1:" "$work/headers" || true; } | tail -n 1 | cut -d: -f2- | tr -d ' \r'; }

# call METHOD PATH BODY_FILE|"" [EXTRA_CURL_ARGS...]: answer body in $work/body, headers in $work/headers,
# status in $status. Stops with the problem's title, detail and code on anything but 2xx.
call() {
  local method="$1" path="$2" body="$3"
  shift 3
  local args=(-sS -X "$method" "$base$path" -H "authorization: Bearer $HARBOUR_API_KEY" -H 'accept: application/json'
    -o "$work/body" -D "$work/headers" -w '%{http_code}' --max-time 30)
  if [ -n "$body" ]; then args+=(-H 'content-type: application/json' --data-binary "@$body"); fi
  status="$(curl "${args[@]}" "$@")" || { echo "Could not reach $base: is Harbour running?" >&2; exit 1; }
  if [ "${status:0:1}" != 2 ]; then
    if header content-type | grep -qi '^application/problem+json'; then
      # RFC 9457 problem: a stable `code` to branch on, `detail` for people, `errors` per field on 400.
      echo "Harbour answered $status: $(field "$work/body" title): $(field "$work/body" detail) [$(field "$work/body" code)]" >&2
      node -e 'for (const e of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).errors ?? []) console.error(`  ${e.path}: ${e.message}`)' "$work/body"
      if [ -n "$(header retry-after)" ]; then echo "Retry after $(header retry-after) seconds." >&2; fi
    else
      echo "Harbour answered $status" >&2
    fi
    exit 1
  fi
}

# The person must have agreed to be referred (consentToShare: true) and be reachable by e-mail or phone.
# Send no detail of any offence: the person declares what is needed themselves, later, to Harbour.
cat > "$work/referral.json" <<'JSON'
{
  "person": { "firstName": "Alex", "lastName": "Example", "email": "alex.example@example.org", "phone": "07700 900123" },
  "relationship": "partner",
  "consentToShare": true,
  "referrer": { "name": "Sam Caseworker", "email": "sam.caseworker@example.org" },
  "note": "Prefers a call in the afternoon."
}
JSON

call POST /v1/referrals "$work/referral.json" -H "idempotency-key: $idempotency_key"
id="$(field "$work/body" id)"
echo "Created referral $id (status: $(field "$work/body" status), HTTP $status)"

# The same request with the same key: Harbour answers with the first answer and does not refer twice.
call POST /v1/referrals "$work/referral.json" -H "idempotency-key: $idempotency_key"
replayed="$(header idempotent-replayed)"
echo "Sent again with the same Idempotency-Key: referral $(field "$work/body" id) (HTTP $status, idempotent-replayed: ${replayed:-false})"

# Poll until staff have moved the referral on (webhooks tell you sooner: see typescript/webhook-receiver.ts).
for ((i = 1; i <= poll_times; i++)); do
  call GET "/v1/referrals/$id" ""
  current="$(field "$work/body" status)"
  echo "Status of referral $id: $current"
  if [ "$current" != received ] || [ "$i" -eq "$poll_times" ]; then break; fi
  sleep "$poll_interval"
done
