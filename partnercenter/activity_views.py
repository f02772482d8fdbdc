"""Placeholder views: the pages are being built."""

from django.http import Http404


def activity_log(request, **kwargs):
    raise Http404


def activity_export(request, **kwargs):
    raise Http404
