"""`{{ value|when }}`: a moment as people read it, "3 days ago", in the user's time zone, with the exact date, time
and zone on hover (and for machines, in `datetime`). No time is left without its zone."""

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value: datetime | None) -> str:
    if not value:
        return "—"
    local = timezone.localtime(value)
    exact = f"{date_format(local, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, naturaltime(value))
