from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Complaints, reports and mediation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The room, the notices and the filing of clues found in mediation register with the
        # life-cycle service what entering and leaving a status, or a move, does.
        from mediation.services import (  # noqa: F401  # noqa: F401
            cases,
            follow_up,
            joint,
            notices,
            notifications,
            rooms,
            scheduling,
            sessions,
            settlement,
        )

        _read_json_with_orjson()
        from django.db.models.signals import post_migrate

        from mediation.tasks import schedules_ensure

        post_migrate.connect(schedules_ensure, sender=self)


def _read_json_with_orjson() -> None:
    """PostgreSQL's `json` values (the room's state and history, built by json_build_object in one
    statement on every arrival) parsed by orjson instead of the standard library: 3 % of the
    server's time when 1,000 clients joined at once (py-spy under `make bench-room`). Django's
    JSONField columns are `jsonb`, which Django parses itself."""
    import orjson
    import psycopg2.extras

    psycopg2.extras.register_default_json(globally=True, loads=orjson.loads)
