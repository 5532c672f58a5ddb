"""Texts kept in memory, in `mediation.sms.outbox`: for the tests (set SMS_BACKEND to this class; no
test runner does it)."""

import copy

from mediation import sms
from mediation.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not hasattr(sms, "outbox"):
            sms.outbox = []

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            message.provider_reference = f"locmem-{len(sms.outbox) + 1}"
            sms.outbox.append(copy.deepcopy(message))
            sent += 1
        return sent
