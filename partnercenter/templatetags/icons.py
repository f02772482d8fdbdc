"""{% load icons %}: {% icon "name" %} shows one of the portal's Fluent icons (partnercenter.icons), decorative.

The name is checked when the template is compiled: a misspelt or unlisted icon fails at once, not as a blank square.
The markup is the same on every render, so it is built once per template."""

from django import template
from django.utils.safestring import SafeString

from partnercenter.icons import icon_html

register = template.Library()


class IconNode(template.Node):
    def __init__(self, name: str) -> None:
        self.html = icon_html(name)

    def render(self, context: template.Context) -> SafeString:
        return self.html


@register.tag
def icon(parser: template.base.Parser, token: template.base.Token) -> IconNode:
    bits = token.split_contents()
    quoted = len(bits) == 2 and len(bits[1]) > 2 and bits[1][0] in "\"'" and bits[1][-1] == bits[1][0]
    if not quoted:
        raise template.TemplateSyntaxError('{% icon %} takes one quoted icon name: {% icon "add" %}')
    try:
        return IconNode(bits[1][1:-1])
    except ValueError as error:
        raise template.TemplateSyntaxError(str(error)) from error
