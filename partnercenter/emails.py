"""The one email module: named templates rendered in the recipient's language, written to the outbox.

A template `NAME` is three files under templates/emails/: NAME_subject.txt, NAME.txt and NAME.html.
"""

import logging
from typing import Any

from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import OutboxEmail

log = logging.getLogger(__name__)


def email_render(*, template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def email_enqueue(
    *, to: str, template: str, context: dict[str, Any], language: str, topic: models.Model | None = None
) -> OutboxEmail:
    """Write the email to the outbox and queue its delivery once the surrounding transaction commits."""
    subject, text, html = email_render(template=template, context=context, language=language)
    email = OutboxEmail.objects.create(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        topic_type=topic._meta.label if topic is not None else "",
        topic_id=str(getattr(topic, "public_id", "") or (topic.pk if topic is not None else "")),
    )
    transaction.on_commit(lambda: outbox_dispatch(email.pk))
    return email


def outbox_dispatch(email_id: int) -> bool:
    """Hand the email to the task queue; False when the broker could not take it. A broker that is down must not
    fail the user's request: the row stays queued and the periodic sweep queues it again. How long a down or stuck
    broker can hold the request is bounded by the broker timeouts in settings (CELERY_BROKER_TIMEOUT)."""
    from .tasks import send_outbox_email  # noqa: PLC0415 -- tasks import this module (tasks call services)

    try:
        send_outbox_email.delay(email_id)
    except Exception:  # any broker or connection error: the outbox row is the source of truth
        log.warning("Could not queue email %s; the outbox sweep will retry it.", email_id, exc_info=True)
        return False
    return True
