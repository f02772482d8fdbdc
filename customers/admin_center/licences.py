"""Placeholder views: the pages are being built."""

from django.http import Http404


def subscription_list(request, **kwargs):
    raise Http404


def subscription_detail(request, **kwargs):
    raise Http404


def license_assign(request, **kwargs):
    raise Http404


def license_unassign(request, **kwargs):
    raise Http404
