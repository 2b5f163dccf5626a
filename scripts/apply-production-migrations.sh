#!/usr/bin/env bash
# Applies migrations/*.sql to the production D1 database named in worker/wrangler.toml.
# Needs `npx wrangler login` (or CLOUDFLARE_API_TOKEN) and the real database_id in wrangler.toml.
set -euo pipefail
cd "$(dirname "$0")/../worker"
npx wrangler d1 migrations apply DB --remote "$@"
