"""Liveness and readiness for a load balancer, with django-health-check's checks.

Both are open without signing in (a load balancer has no account) and answer in plain text with the names of the
parts and whether they answer, nothing else: no host names, versions or error messages, which the library's own page
would show."""

import asyncio
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

# A load balancer asks every few seconds: a part that does not answer within this long counts as down.
CHECK_TIMEOUT = timedelta(seconds=2)


def _plain(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)
    add_never_cache_headers(response)
    return response


@login_not_required
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The process answers requests. Touches nothing else: a database outage must not get every web process
    restarted."""
    return _plain("ok\n")


def _redis(url: str) -> Redis:
    seconds = CHECK_TIMEOUT.total_seconds()
    check = Redis(
        client_factory=lambda: RedisClient.from_url(url, socket_timeout=seconds, socket_connect_timeout=seconds)
    )
    check.timeout = CHECK_TIMEOUT
    return check


def _cache():
    """The cache falls back to process memory while Redis is away (partnercenter/cache.py), so writing to it always
    works: ask its Redis directly."""
    cache = settings.CACHES["default"]
    if cache["BACKEND"] == "partnercenter.cache.FallbackRedisCache":
        return _redis(cache["LOCATION"])
    return Cache(timeout=CHECK_TIMEOUT)


@method_decorator(login_not_required, name="dispatch")
class ReadyView(HealthCheckView):
    """The parts a request needs answer: the database, the cache and the broker (when there is one; the embedded
    default runs tasks in-process). 200, or 503 saying which part does not answer."""

    http_method_names = ["get"]

    def get_named_checks(self) -> list[tuple[str, object]]:
        checks = [("database", Database()), ("cache", _cache())]
        if settings.CELERY_BROKER_URL:
            checks.append(("broker", _redis(settings.CELERY_BROKER_URL)))
        return checks

    async def get(self, request, *args, **kwargs):
        named = self.get_named_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for _, check in named))
        lines = [
            f"{name}: {'unavailable' if result.error else 'ok'}"
            for (name, _), result in zip(named, results, strict=True)
        ]
        failed = any(result.error for result in results)
        return _plain("\n".join(lines) + "\n", status=503 if failed else 200)
