"""Placeholder views: the pages are being built."""

from django.http import Http404


def activity_list(request, **kwargs):
    raise Http404
