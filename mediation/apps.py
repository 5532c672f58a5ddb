from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Complaints, reports and mediation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The room, the notices and the filing of clues found in mediation register with the
        # life-cycle service what entering and leaving a status, or a move, does.
        from mediation.services import cases, joint, notices, rooms, sessions, settlement  # noqa: F401
