"""Placeholder views: the pages are being built."""

from django.http import Http404


def home(request, **kwargs):
    raise Http404
