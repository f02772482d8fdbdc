"""Placeholder views: the pages are being built."""

from django.http import Http404


def role_list(request, **kwargs):
    raise Http404


def role_detail(request, **kwargs):
    raise Http404


def role_assign(request, **kwargs):
    raise Http404


def role_remove(request, **kwargs):
    raise Http404
