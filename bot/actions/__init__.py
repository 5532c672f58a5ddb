"""The bot's action server (rasa_sdk): `rasa run actions --actions actions`."""
