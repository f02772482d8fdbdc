"""Placeholder views: the pages are being built."""

from django.http import Http404


def partner_relationship_list(request, **kwargs):
    raise Http404


def partner_relationship_detail(request, **kwargs):
    raise Http404


def delegated_admin_remove(request, **kwargs):
    raise Http404
