"""Service accounts: the triage bot's action server files cases on consumers' behalf with a token."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

BOT_GROUP = "triage-bot"
BOT_USERNAME = "triage-bot"


@transaction.atomic
def bot_service_account_ensure(*, key: str | None = None) -> Token:
    """The bot's user, in a group holding only the right to file on a consumer's behalf; it cannot
    log in with a password and is no official, merchant or consumer. With `key`, its token is that
    key (a deployment gives the same secret to the action server); otherwise one is generated."""
    group, _ = Group.objects.get_or_create(name=BOT_GROUP)
    group.permissions.set(
        [Permission.objects.get(codename="file_on_behalf_of_consumer", content_type__app_label="mediation")]
    )
    user, created = get_user_model().objects.get_or_create(username=BOT_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(group)
    token = Token.objects.filter(user=user).first()
    if token is not None and key is not None and token.key != key:
        token.delete()  # the key is the token's primary key: a new key is a new token
        token = None
    if token is None:
        token = Token.objects.create(user=user, key=key) if key else Token.objects.create(user=user)
    return token
