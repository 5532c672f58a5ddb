"""Receive one text as if the SMS provider had posted it (`make run` and demonstrations):

    manage.py sms_receive +8613812345678 "我在西湖区某店买的空调不制冷，商家不给退"

It becomes a draft in the hotline officials' queue (/hotline/texts/), as a text posted to
/api/sms/incoming/ does."""

import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mediation.services.errors import DomainError
from mediation.services.sms_incoming import incoming_sms_receive


class Command(BaseCommand):
    help = "Receive one text message as the SMS provider would post it: a draft for the hotline officials."

    def add_arguments(self, parser):
        parser.add_argument("phone", help="the sender's phone in E.164 form, e.g. +8613812345678")
        parser.add_argument("text", help="the text")
        parser.add_argument("--reference", default="", help="the provider's id of the text (default: a new one)")

    def handle(self, *args, phone: str, text: str, reference: str, **options):
        try:
            incoming, created = incoming_sms_receive(
                phone=phone, text=text, provider_reference=reference or f"cli-{uuid.uuid4().hex}"
            )
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            raise CommandError(problems) from None
        except DomainError as refusal:
            raise CommandError(refusal.render()) from None
        state = "received" if created else "already received"
        self.stdout.write(f"Text {incoming.pk} {state}: /hotline/texts/{incoming.pk}/")
