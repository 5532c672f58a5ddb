from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Complaints, reports and mediation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The room and the notices register what entering and leaving a status does with the
        # life-cycle service.
        from mediation.services import notices, rooms  # noqa: F401
