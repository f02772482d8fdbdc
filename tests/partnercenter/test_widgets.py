"""PlainSelect writes what Django's Select renders through its templates, character for character."""

import uuid

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from partnercenter.widgets import PlainSelect

ID = uuid.UUID("6f1c1f0e-8d6a-4c33-9a43-2c1f0d1e2b3a")

CHOICES = [
    ("", gettext_lazy("All customers")),
    (ID, 'Contoso <Ltd> & "partners"\'s'),
    ("b", mark_safe("<b>safe</b>")),
    (3, "Three"),
]
GROUPED = [
    ("", "Any"),
    ("Group <1>", [("a", "A"), ("b", "B & b")]),
    ("c", "C"),
]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "grouped", "empty"])
@pytest.mark.parametrize("value", [None, "", str(ID), "b", 3, "a", "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_customer"}, {"id": "x", "required": True, "disabled": False, "aria-describedby": 'a"b'}],
    ids=["none", "id", "flags"],
)
def test_plain_select_renders_as_django_select(choices, value, attrs):
    expected = forms.Select(choices=choices).render("customer", value, attrs)
    assert PlainSelect(choices=choices).render("customer", value, attrs) == expected


def test_plain_select_in_a_form_renders_as_django_select_with_errors():
    class Form(forms.Form):
        plain = forms.ChoiceField(choices=CHOICES[1:], widget=PlainSelect)
        django = forms.ChoiceField(choices=CHOICES[1:])

    form = Form({"plain": "nope", "django": "nope"})
    assert not form.is_valid()
    assert str(form["plain"]).replace("plain", "NAME") == str(form["django"]).replace("django", "NAME")
