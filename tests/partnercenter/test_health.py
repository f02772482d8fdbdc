"""Liveness and readiness for a load balancer: open without signing in, plain text, never a host name or an error
message; readiness says which part does not answer."""

import socket

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_liveness_answers_anyone_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get(reverse("health_live"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_answers_when_the_database_and_cache_do():
    response = Client().get(reverse("health_ready"))
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\n"  # no broker: tasks run in-process here


def test_readiness_names_the_broker_that_does_not_answer_and_nothing_else(settings):
    port = closed_port()
    settings.CELERY_BROKER_URL = f"redis://:hunter2@127.0.0.1:{port}/0"

    response = Client().get(reverse("health_ready"))

    assert response.status_code == 503
    body = response.content.decode()
    assert body == "database: ok\ncache: ok\nbroker: unavailable\n"
    assert str(port) not in body and "hunter2" not in body


def test_readiness_names_the_cache_that_does_not_answer(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "partnercenter.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        }
    }

    response = Client().get(reverse("health_ready"))

    assert response.status_code == 503
    assert response.content.decode() == "database: ok\ncache: unavailable\n"


def test_health_is_answered_over_plain_http_behind_the_tls_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(reverse("health_live")).status_code == 200
    assert Client().get(reverse("customers:list")).status_code == 301


def test_health_takes_only_get():
    assert Client().post(reverse("health_live")).status_code == 405
    assert Client().post(reverse("health_ready")).status_code == 405
