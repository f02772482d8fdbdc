"""The {% url %} tag, remembering the URLs it has built (a template builtin: settings.TEMPLATES, so every template's
{% url %} is this one).

Reversing a URL name walks Django's resolver every time (the candidate patterns, their checks, the quoting), and the
page shell and a list's chrome reverse some twenty names on every page: in the Customers page's profile, {% url %}
was a fifth of the time its template took. A name with the same arguments gives the same URL as long as the URLconf
and the script prefix are the same, so the URL is kept, keyed by all of them: the resolver object changes whenever
Django clears its URL caches (a test that overrides ROOT_URLCONF), and the key changes with it."""

from functools import lru_cache
from typing import Any

from django import template
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reversed(view_name: str, args: tuple, kwargs: tuple, current_app: str | None, prefix: str, resolver: Any) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class RememberingURLNode(URLNode):
    def render(self, context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        request = context.get("request")
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        try:
            key = (view_name, args, kwargs, current_app, get_script_prefix(), get_resolver(get_urlconf()))
            hash(key)
        except TypeError:  # an argument that cannot be a key: reversed every time
            return super().render(context)
        try:
            result = _reversed(*key)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            result = ""
        if self.asvar:
            context[self.asvar] = result
            return ""
        return conditional_escape(result) if context.autoescape else result


@register.tag("url")
def remembering_url(parser, token) -> RememberingURLNode:
    node = url(parser, token)
    return RememberingURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def remembered_reverse(view_name: str, *args: Any) -> str:
    """reverse() for Python that renders markup (the page shell), with the same memory as {% url %}."""
    return _reversed(view_name, args, (), None, get_script_prefix(), get_resolver(get_urlconf()))
