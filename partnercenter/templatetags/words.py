"""{% load words %}: `items|join_list` lists items in the page's language (partnercenter.words)."""

from django import template

from partnercenter import words

register = template.Library()


@register.filter
def join_list(items) -> str:
    return words.join_list(items)
