"""The handling figures on the pages: a median time to reply in hours or days."""

import datetime

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def reply_time(duration: datetime.timedelta | None) -> str:
    """Under two days in hours, else in days, to a tenth: 30.0 hours, 2.5 days."""
    if duration is None:
        return "–"
    hours = duration.total_seconds() / 3600
    if hours < 48:
        return _("%(hours)s hours") % {"hours": number_format(hours, decimal_pos=1)}
    return _("%(days)s days") % {"days": number_format(hours / 24, decimal_pos=1)}
