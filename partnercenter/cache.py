"""The cache: Redis, with a fallback for when Redis is down or hung.

allauth keeps the failed-sign-in counters in the cache and takes a lock there for each sign-in, so a Redis that is
down (connection refused) or hung (connected, never answering) used to make every sign-in fail with a 500, or wait
for the operating system's timeout. Here every Redis command has a short socket timeout; when one fails, this process
uses its own memory cache for RETRY_AFTER seconds before it asks Redis again, so only one request per process per
RETRY_AFTER pays the timeout.

Why a memory cache per process and not the database: the cache holds nothing that must survive (rate limit counters
and their locks), the fallback must not depend on anything else being up, and a database cache table would need its
own set-up step. The price: while Redis is away each web process counts failed sign-ins on its own, so an attacker
gets the limit once per web process (WEB_CONCURRENCY) instead of once, and counters start afresh; limiting never
stops."""

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
# Seconds a Redis command may take: a cache that takes longer is of no use to a request.
SOCKET_TIMEOUT = 0.2


class FallbackRedisCache(RedisCache):
    """Django's Redis cache; while Redis fails, a memory cache of this process."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._redis_failed_at: float | None = None

    def _call(self, name: str, *args, **kwargs):
        failed_at = self._redis_failed_at
        if failed_at is None or time.monotonic() - failed_at >= RETRY_AFTER:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except (RedisError, OSError) as error:
                if failed_at is None:
                    logger.warning("The cache (Redis) does not answer, using this process's memory: %s", error)
                self._redis_failed_at = time.monotonic()
            else:
                if failed_at is not None:
                    logger.warning("The cache (Redis) answers again")
                self._redis_failed_at = None
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
