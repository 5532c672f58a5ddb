import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from mediation.services.accounts import BOT_USERNAME


def bot_token(*args) -> str:
    out = io.StringIO()
    call_command("bot_token", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_the_bot_token_is_generated_once_or_set_to_a_deployment_secret():
    generated = bot_token()
    assert len(generated) == 40 and bot_token() == generated  # the same token every time
    secret = "s3cret-from-the-deployment-0123456789abc"
    assert bot_token("--key", secret) == secret
    assert bot_token("--key", secret) == secret
    assert list(Token.objects.filter(user__username=BOT_USERNAME).values_list("key", flat=True)) == [secret]
    with pytest.raises(CommandError):
        bot_token("--key", "short")
    assert Token.objects.get(user__username=BOT_USERNAME).key == secret
