#!/usr/bin/env bash
# Train the bot's model unless one trained on exactly this data and configuration exists.
# The model is cached as bot/models/<hash>.tar.gz, the hash taken over everything training reads.
# Prints the model's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/../bot"
hash=$(cat config.yml chinese_tokenizer.py text_features.py intent_classifier.py triage_classifier.py entity_tagger.py requirements.txt $(find domain data -type f | sort) | sha256sum | cut -c1-16)
model="models/$hash.tar.gz"
if [[ ! -f "$model" ]]; then
    echo "Training the bot's model ($hash); this takes a few minutes on two cores ..." >&2
    started=$(date +%s)
    TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false .venv/bin/rasa train --domain domain --fixed-model-name "$hash" --out models --num-threads 2 >&2
    echo "Trained in $(( $(date +%s) - started )) s" >&2
fi
echo "$model"
