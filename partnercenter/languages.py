"""The languages the portal speaks, and the one way a form asks which of them a person reads (the customer an email
goes to, a new user)."""

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info

if TYPE_CHECKING:
    from .models import User


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself (English, 繁體中文), as the language switcher names them."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def supported_language(code: str | None) -> str:
    """`code` if the portal speaks it, else "" (a browser's or a form's value is not trusted as it is)."""
    code = (code or "").lower()
    return code if code in dict(settings.LANGUAGES) else ""


def current_language() -> str:
    return supported_language(translation.get_language()) or settings.LANGUAGE_CODE


def language_of(user: "User", default: str = "") -> str:
    """The language an email to `user` is written in: the one they read the portal in (chosen with the language
    switcher, or their browser's at sign-in: services.user_language_set), else `default`, else the portal's."""
    return supported_language(user.preferred_language) or supported_language(default) or settings.LANGUAGE_CODE


class LanguageField(forms.ChoiceField):
    """A choice of the portal's languages, the page's own when none is given (a form posted by an older page, or by
    a script that leaves it out)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", language_choices)
        kwargs.setdefault("initial", current_language)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        return super().clean(value) or current_language()
