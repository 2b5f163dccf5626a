#!/bin/sh
# Sends a lead from a server or a shell: PULSEGATE_URL, PULSEGATE_KEY (pgi_…) and FORM as in
# capture.mjs. Prints {"ok":true,"lead_id":"ld_…"} (201), or {"error":{"code":…,"message":…}}.
set -eu
curl -sS -X POST "${PULSEGATE_URL:-http://127.0.0.1:8787}/lead.capture" \
  -H "X-API-Key: ${PULSEGATE_KEY:?set PULSEGATE_KEY to an integration key (pgi_...)}" \
  -H 'Content-Type: application/json' \
  -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)" \
  -d "{\"form_id\":\"${FORM:-quote}\",\"fields\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"consent\":true,\"notes\":\"Please call me back\"}}"
echo
