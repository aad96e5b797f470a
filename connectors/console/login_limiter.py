"""Failed log-ins, limited per (address, account) and per account, with backoff.

``LoginLimiter`` keeps the failures in this process (the embedded default, one console);
``RedisLoginLimiter`` keeps them in Redis so that every console instance behind the load
balancer counts the same failures (``make_login_limiter`` picks it when ``REDIS_URL`` is
set). Both decide and record in one atomic step, with the same rules.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, Protocol

import redis.asyncio
from redis.exceptions import RedisError

from changai.settings import Settings
from changai.shared_redis import async_redis, close_redis

logger = logging.getLogger(__name__)

Clock = Callable[[], float]


class LoginLimits(Protocol):
    async def acquire(self, address: str, username: str) -> float:
        """0 and the attempt counted as a failure, or the seconds to wait (nothing counted)."""

    async def succeeded(self, address: str, username: str) -> None:
        """Forgive the attempt that succeeded, and the pair's earlier failures."""

    async def close(self) -> None:
        """Release what the limiter holds."""


def _keys(address: str, username: str) -> dict[str, str]:
    return {"pair": f"{address}|{username}", "account": f"|{username}"}


class LoginLimiter:
    """In-process limiter.

    ``acquire`` decides and records in one step with no ``await`` in between, so parallel
    guesses cannot all pass the check before the first failure is counted: each attempt is
    counted as a failure when it starts and forgiven by ``succeeded``. Once a key has ``limit``
    failures within the window, further tries wait ``base`` seconds after the latest failure,
    doubling with each further failure up to ``max_delay``. There is no per-address key, so
    one address (or the reverse proxy every member of staff comes through) cannot lock out
    every account.
    """

    def __init__(
        self,
        per_pair: int = 5,
        per_account: int = 20,
        window_seconds: float = 900.0,
        base_delay: float = 60.0,
        max_delay: float = 900.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.limits = {"pair": per_pair, "account": per_account}
        self.window = window_seconds
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def _wait(self, times: deque[float], limit: int, now: float) -> float:
        if len(times) < limit:
            return 0.0
        delay = min(self.base_delay * 2 ** (len(times) - limit), self.max_delay)
        return max(0.0, times[-1] + delay - now)

    def acquire_now(self, address: str, username: str) -> float:
        now = self._clock()
        keys = _keys(address, username)
        wait = max(self._wait(self._recent(k, now), self.limits[n], now) for n, k in keys.items())
        if wait > 0:
            return wait
        for key in keys.values():
            self._failures[key].append(now)
        return 0.0

    def succeeded_now(self, address: str, username: str) -> None:
        keys = _keys(address, username)
        self._failures.pop(keys["pair"], None)
        account = self._failures.get(keys["account"])
        if account:
            account.pop()

    async def acquire(self, address: str, username: str) -> float:
        return self.acquire_now(address, username)

    async def succeeded(self, address: str, username: str) -> None:
        self.succeeded_now(address, username)

    async def close(self) -> None:
        """Nothing to release."""


# KEYS: the pair's and the account's sorted sets of failure times (member: one attempt).
# ARGV: now, window, base delay, max delay, pair limit, account limit, attempt id, ttl (ms).
# Returns the wait in seconds as a string (Redis would cut a Lua number to an integer).
ACQUIRE = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local base, max_delay = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - window))
  local count = redis.call('ZCARD', key)
  local limit = tonumber(ARGV[4 + i])
  if count >= limit then
    local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
    local delay = math.min(base * 2 ^ (count - limit), max_delay)
    wait = math.max(wait, last + delay - now)
  end
end
if wait > 0 then
  return string.format('%.17g', wait)
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[7])
  redis.call('PEXPIRE', key, ARGV[8])
end
return '0'
"""


class RedisLoginLimiter:
    """The same rules, with the failures in Redis, shared by every console instance.

    A failure is a member of a sorted set scored by its time; ``acquire`` is one Lua script
    (drop the failures older than the window, decide, record), so it is atomic across
    instances as ``LoginLimiter.acquire`` is within one. A key expires one window after
    its latest failure. Times come from ``clock`` (wall-clock seconds, the same on every
    instance up to the hosts' clock skew). While Redis is unreachable, each instance falls
    back to its own in-process limiter and logs it: limits then hold per instance.
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        key_prefix: str,
        *,
        clock: Clock = time.time,
        **rules: Any,
    ) -> None:
        """``rules``: ``LoginLimiter``'s limits and delays (its defaults for those left out)."""
        self.fallback = LoginLimiter(**rules, clock=clock)
        self._redis = client
        self.prefix = f"{key_prefix}login:"
        self.limits = (self.fallback.limits["pair"], self.fallback.limits["account"])
        self.window = self.fallback.window
        self.base_delay = self.fallback.base_delay
        self.max_delay = self.fallback.max_delay
        self._clock = clock
        self._acquire = client.register_script(ACQUIRE)

    def _keys(self, address: str, username: str) -> list[str]:
        keys = _keys(address, username)
        return [self.prefix + keys["pair"], self.prefix + keys["account"]]

    async def acquire(self, address: str, username: str) -> float:
        args = [
            repr(self._clock()),
            repr(self.window),
            repr(self.base_delay),
            repr(self.max_delay),
            *self.limits,
            secrets.token_hex(8),
            int(self.window * 1000),
        ]
        try:
            wait = await self._acquire(keys=self._keys(address, username), args=args)
        except (RedisError, OSError) as exc:
            logger.warning("log-in limiter: Redis unreachable (%s), limiting in process", exc)
            return self.fallback.acquire_now(address, username)
        return float(wait)

    async def succeeded(self, address: str, username: str) -> None:
        pair, account = self._keys(address, username)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                await pipe.delete(pair).zpopmax(account).execute()
        except (RedisError, OSError) as exc:
            logger.warning("log-in limiter: Redis unreachable (%s), limiting in process", exc)
        self.fallback.succeeded_now(address, username)

    async def close(self) -> None:
        await close_redis(self._redis)


def make_login_limiter(settings: Settings) -> LoginLimits:
    """The Redis-backed limiter when ``REDIS_URL`` is set, else the in-process one."""
    if settings.redis_url:
        return RedisLoginLimiter(async_redis(settings.redis_url), settings.redis_key_prefix)
    return LoginLimiter()
