"""Form widgets written out in Python, for the filters of pages people load all day.

Django renders a <select> through a template, and each of its options through one more: the Activity log's three
filter selects (every action, a page of customers, a page of users: about 120 options) cost more than the rest of
the page together. PlainSelect writes the markup of Django's select.html, select_option.html and attrs.html, from the
widget's own context (the same options, selection and attributes), without the templates; blank lines and all, as
tests/partnercenter/test_widgets.py checks."""

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


def _attrs(attrs: dict[str, Any]) -> str:
    # As attrs.html: an attribute that is False is left out, one that is True is written as its name alone.
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A Select whose markup is written in Python (see the module's docstring)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's last line ends
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return SafeString("".join(parts))
