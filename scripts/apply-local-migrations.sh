#!/usr/bin/env bash
# Applies migrations/*.sql to the local D1 database that `cargo xtask dev` uses (.state/dev).
set -euo pipefail
cd "$(dirname "$0")/../worker"
CI=1 WRANGLER_SEND_METRICS=false npx wrangler d1 migrations apply DB --local --persist-to ../.state/dev "$@"
