"""Texts written to files, one JSON file per message under `SMS_FILE_PATH`: the end-to-end tests read
what the worker sent, and a demonstration can keep them."""

import json
import os
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mediation.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        path = file_path if file_path is not None else getattr(settings, "SMS_FILE_PATH", "")
        if not path:
            raise ImproperlyConfigured("The file-based SMS backend needs SMS_FILE_PATH.")
        self.file_path = os.path.abspath(path)
        try:
            os.makedirs(self.file_path, exist_ok=True)
        except OSError as error:
            raise ImproperlyConfigured(f"Could not make the directory for text messages: {error}") from None
        if not os.access(self.file_path, os.W_OK):
            raise ImproperlyConfigured(f"Could not write to the directory for text messages: {self.file_path}")
        super().__init__(*args, **kwargs)

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            name = f"{uuid.uuid4().hex}.json"
            try:
                # Written under a temporary name and renamed: a reader never sees half a file.
                temporary = os.path.join(self.file_path, f".{name}.tmp")
                with open(temporary, "w", encoding="utf-8") as file:
                    json.dump(
                        {"to": message.to, "body": message.body, "parts": message.parts}, file, ensure_ascii=False
                    )
                os.replace(temporary, os.path.join(self.file_path, name))
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            message.provider_reference = name
            sent += 1
        return sent
