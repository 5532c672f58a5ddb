"""Texts printed on the console (stdout), each part on its own: `make run` and demonstrations. The
phone is printed masked: the console is a log."""

import sys
import threading

from mediation.sms import mask_phone
from mediation.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *args, stream=None, **kwargs):
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()
        super().__init__(*args, **kwargs)

    def write_message(self, message) -> None:
        total = len(message.parts)
        self.stream.write(f"SMS to {mask_phone(message.to)} in {total} part{'s' if total != 1 else ''}\n")
        for part in message.parts:
            self.stream.write(f"{part}\n")
        self.stream.write("-" * 79 + "\n")

    def send_messages(self, messages) -> int:
        sent = 0
        with self._lock:
            try:
                for message in messages:
                    self.write_message(message)
                    self.stream.flush()
                    message.provider_reference = f"console-{id(message)}"
                    sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent
