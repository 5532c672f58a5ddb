"""The base of the SMS backends, in the manner of Django's e-mail backends (django.core.mail.backends).

The product sends text messages through the backend named by the setting `SMS_BACKEND`:

- `mediation.sms.backends.console.SmsBackend` prints each part (the default, used by `make run`);
- `mediation.sms.backends.filebased.SmsBackend` writes one file per message under `SMS_FILE_PATH`;
- `mediation.sms.backends.locmem.SmsBackend` keeps them in `mediation.sms.outbox` (the tests).

**A provider's adapter** (a carrier's or an SMS gateway's API) is a module of its own, for example
`mediation/sms/backends/<provider>.py`, and is chosen by setting `SMS_BACKEND` to its class:

1. Subclass `BaseSmsBackend`. In `open()` make the provider's client (never at import time), in
   `close()` release it, and in `send_messages(messages)` send each message's `parts` (already split,
   see below) to `message.to` (E.164, for example +8613812345678). Set `message.provider_reference`
   to the provider's id of each part, joined by commas (at most 200 characters; it is kept on the
   `OutgoingSms` row to match the provider's delivery reports), and return how many messages were
   sent. On a failure raise an exception (unless `fail_silently`); its text is recorded as the
   message's error, so it must not contain the phone number or the text. Never log either: the
   phone is sensitive personal information, kept encrypted (mediation/sensitive.py).
2. Read the provider's settings (account, key, signature, endpoint) in `channels_app/settings.py`
   from the environment, as `EMAIL_*` are, and pass them into the stack in `docker-compose.yml`
   (`SMS_BACKEND` and the provider's variables); nothing is read at import time elsewhere.
3. **Part limits.** `split_text` (mediation/sms/parts.py) splits a text into standalone messages of
   at most 70 UCS-2 units (160 GSM 7-bit characters) each, numbered "(1/3)". If the provider adds
   its signature (【12315】) or a footer to every message and counts it within the limit, or
   concatenates the parts itself (with a user data header, 67 UCS-2 units or 153 GSM characters a
   segment, 3GPP TS 23.040 9.2.3.24.1), set `ucs2_part_limit` and `gsm7_part_limit` on the adapter
   class to what is left for the text.
4. **Delivery reports.** A provider that reports delivery calls back with its part ids: add a view
   beside the incoming-text webhook (`mediation/api/sms_views.py`, route in `mediation/api/sms_urls.py`),
   authenticated by a shared secret like `SMS_INCOMING_TOKEN`, that finds the `OutgoingSms` by its
   `provider_reference` and records an undelivered message as failed with the provider's reason.

The product queues each text (django-q2, mediation.tasks.sms_send) and sends it once: a task run again
never sends a text that was already handed to the backend."""

from mediation.sms.parts import GSM7_PART_LIMIT, UCS2_PART_LIMIT, split_text


class BaseSmsBackend:
    """Subclasses must at least override send_messages(). Used as a context manager, the backend is
    opened on entry and closed on exit."""

    # The most a part may hold, in UCS-2 units and GSM 7-bit characters (see the module's docstring).
    ucs2_part_limit = UCS2_PART_LIMIT
    gsm7_part_limit = GSM7_PART_LIMIT

    def __init__(self, fail_silently: bool = False, **kwargs):
        self.fail_silently = fail_silently

    def open(self):
        """Open a connection to the provider, if it needs one; the default does nothing."""

    def close(self):
        """Close the connection."""

    def __enter__(self):
        try:
            self.open()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def split(self, body: str) -> list[str]:
        """The parts this backend sends `body` in."""
        return split_text(body, gsm7_limit=self.gsm7_part_limit, ucs2_limit=self.ucs2_part_limit)

    def send_messages(self, messages) -> int:
        """Send each TextMessage's parts; return how many messages were sent."""
        raise NotImplementedError("subclasses of BaseSmsBackend must override send_messages()")
