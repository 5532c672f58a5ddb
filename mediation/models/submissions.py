from django.conf import settings
from django.db import models

from mediation.models.cases import Case


class FilingSubmission(models.Model):
    """One sending of the filing form, by the key the browser gave it when the draft was written.
    A draft kept while offline and sent again when the connection returns carries the same key, so
    it files its cases once: the second sending finds this row and is shown the same cases."""

    key = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    complaint = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return str(self.key)
