"""Placeholder views: the pages are being built."""

from django.http import Http404


def team_list(request, **kwargs):
    raise Http404


def team_user_new(request, **kwargs):
    raise Http404


def team_user_edit(request, **kwargs):
    raise Http404


def team_user_remove(request, **kwargs):
    raise Http404
