#!/usr/bin/env bash
# `make run`: the whole product on this machine. The web service (daphne) on HOST:PORT, its task
# worker (scheduled and queued work: early warnings), and the triage bot (Rasa and its action
# server) beside it on 127.0.0.1, trained first if its model is missing. The data lives in the
# local PostgreSQL's database `mediation` and the live layer in the local Redis (database 2), which
# `make services` starts or installs. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
host="${HOST:-127.0.0.1}" port="${PORT:-8000}"
cd "$root"
python=.venv/bin/python
mkdir -p var
if [ -z "${DATABASE_URL:-}" ]; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='mediation'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE mediation"
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mediation
fi
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"
$python manage.py migrate -v0
$python manage.py load_reference_data
$python manage.py seed_demo
$python manage.py collectstatic --noinput -v0
bot_token="$($python manage.py bot_token)"
# Rasa's HTTP API (the web chat reads conversations back from it) gets a token of this run.
export BOT_API_TOKEN="${BOT_API_TOKEN:-$($python -c 'import secrets; print(secrets.token_urlsafe(24))')}"
export BOT_URL="http://127.0.0.1:${BOT_PORT:-5005}"

bash scripts/run-bot.sh "http://127.0.0.1:$port" "$bot_token" &
bot=$!
$python manage.py qcluster &
tasks=$!
trap 'kill $bot $tasks 2>/dev/null || true; wait $bot $tasks 2>/dev/null || true' EXIT INT TERM
echo "Serving on http://$host:$port/  admin: /admin/  API docs: /api/docs/  bot chat: ws://$host:$port/ws/bot/"
$python -m channels_app.serve -b "$host" -p "$port" asgi:application
