"""Sign-in while the cache (Redis) is down or hung: it works within a second, and failed sign-ins are still limited
(each web process counts on its own until Redis is back; see partnercenter/cache.py)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

from .conftest import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SIGN_IN_TIME_LIMIT = 1.0


def fallback_cache(location: str) -> dict:
    return {"default": {"BACKEND": "partnercenter.cache.FallbackRedisCache", "LOCATION": location}}


@pytest.fixture(params=["down", "hung"])
def unavailable_cache(request, settings):
    if request.param == "down":
        settings.CACHES = fallback_cache(f"redis://127.0.0.1:{free_port()}/1")  # nothing listens there
    else:
        hung = request.getfixturevalue("hanging_redis")  # accepts connections, never answers
        settings.CACHES = fallback_cache(hung.url)
    return request.param


def timed_sign_in(client: Client, email: str, password: str):
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response, time.monotonic() - started


def test_sign_in_works_within_a_second_while_the_cache_is_unavailable(world, unavailable_cache):
    for _ in range(3):
        response, elapsed = timed_sign_in(Client(), "ga@contoso.test", PASSWORD)
        assert response.status_code == 302, unavailable_cache
        assert elapsed < SIGN_IN_TIME_LIMIT, f"sign-in took {elapsed:.2f} s with the cache {unavailable_cache}"


def test_failed_sign_ins_are_still_limited_while_the_cache_is_unavailable(world, unavailable_cache):
    client = Client()
    for _ in range(5):
        response, elapsed = timed_sign_in(client, "ga@contoso.test", "wrong-password")
        assert response.status_code == 200 and elapsed < SIGN_IN_TIME_LIMIT

    response, _ = timed_sign_in(client, "ga@contoso.test", PASSWORD)

    # Even the right password is refused while the limit holds.
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_cache_is_used_again_once_redis_answers(redis_up, settings, monkeypatch):
    from partnercenter import cache as cache_module

    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.0)
    settings.CACHES = fallback_cache(redis_up.url.replace("/0", "/1"))
    from django.core.cache import cache

    redis_up.stop()
    cache.set("k", "from memory")
    assert cache.get("k") == "from memory"
    redis_up.start()
    cache.set("k", "from redis")
    assert cache.get("k") == "from redis"
    assert redis_up.ping()
