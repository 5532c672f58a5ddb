from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialCalendarYear(models.Model):
    """A year of the State Council's holiday schedule (国务院办公厅关于部分节假日安排的通知), loaded by an
    administrator when it is published. A loaded year overrides the calendar package for that year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300, help_text=_("The notice the schedule comes from."))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class OfficialCalendarDay(models.Model):
    """A day of a loaded year that differs from the plain week: a holiday on a weekday (休), or a
    weekend day made a working day (调休上班)."""

    calendar_year = models.ForeignKey(OfficialCalendarYear, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("official calendar day")
        verbose_name_plural = _("official calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.is_working_day else '休'} {self.name}"
