"""Placeholder views: the pages are being built."""

from django.http import Http404


def user_list(request, **kwargs):
    raise Http404


def user_new(request, **kwargs):
    raise Http404


def user_edit(request, **kwargs):
    raise Http404


def user_reset_password(request, **kwargs):
    raise Http404


def user_delete(request, **kwargs):
    raise Http404
