#!/usr/bin/env bash
# Start the triage bot beside the web service: the action server (rasa_sdk) and Rasa with its REST
# channel and HTTP API, both on 127.0.0.1 only (the browser reaches the bot through the web
# service's /ws/bot/). Trains the model first if none matches the bot's data and configuration.
#
#   scripts/run-bot.sh MEDIATION_API_URL MEDIATION_API_TOKEN
#
# Environment (defaults in brackets): BOT_HOST and ACTION_HOST, the addresses they listen on
# [127.0.0.1], BOT_PORT [5005], ACTION_PORT [5055], BOT_API_TOKEN (Rasa's
# HTTP API token, also given to the web service) [none], BOT_TRACKER_URL (the database of
# conversations) [SQLite in var/], BOT_LOCK_STORE (where the conversations' locks are: in_memory
# for one Rasa, redis for replicas sharing the conversations) [in_memory], BOT_LOCK_STORE_HOST
# [127.0.0.1], BOT_LOCK_STORE_PORT [6379], BOT_LOCK_STORE_DB [1], BOT_LOCK_STORE_PREFIX [none].
# Runs until it is stopped; stopping it stops both.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
api_url="$1" api_token="$2"
bot_port="${BOT_PORT:-5005}" action_port="${ACTION_PORT:-5055}"
mkdir -p "$root/var"
model="$root/bot/$(bash "$root/scripts/bot-model.sh" | tail -1)"

# Rasa reports usage and crashes to its makers unless told not to; nothing leaves this machine.
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
export ACTION_ENDPOINT_URL="http://127.0.0.1:$action_port/webhook"
export BOT_TRACKER_URL="${BOT_TRACKER_URL:-sqlite:///$root/var/bot-tracker.sqlite3}"
export BOT_LOCK_STORE="${BOT_LOCK_STORE:-in_memory}" BOT_LOCK_STORE_HOST="${BOT_LOCK_STORE_HOST:-127.0.0.1}" \
    BOT_LOCK_STORE_PORT="${BOT_LOCK_STORE_PORT:-6379}" BOT_LOCK_STORE_DB="${BOT_LOCK_STORE_DB:-1}" \
    BOT_LOCK_STORE_PREFIX="${BOT_LOCK_STORE_PREFIX:-}"

children=()
stop() { kill "${children[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

cd "$root/bot"
SANIC_HOST="${ACTION_HOST:-127.0.0.1}" MEDIATION_API_URL="$api_url" MEDIATION_API_TOKEN="$api_token" \
    .venv/bin/rasa run actions --actions actions --port "$action_port" &
children+=($!)
auth=()
[[ -n "${BOT_API_TOKEN:-}" ]] && auth=(--auth-token "$BOT_API_TOKEN")
.venv/bin/rasa run --model "$model" --enable-api "${auth[@]}" --interface "${BOT_HOST:-127.0.0.1}" --port "$bot_port" \
    --endpoints endpoints.yml --credentials credentials.yml &
children+=($!)
wait -n "${children[@]}"
echo "the bot stopped" >&2
exit 1
