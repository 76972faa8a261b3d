"""Replay stores: the Protocols a store follows, the Redis stores, and what the framework
helpers share to claim a verified delivery once.

A store has ``claim(key, ttl) -> bool`` (True the first time within ``ttl`` seconds) and
``release(key)`` (forget a claim, so the provider's retry is processed). The key and the TTL
come from the verification (:attr:`hooksig.Verified.replay_key`,
:attr:`hooksig.Verified.replay_ttl`); the rule that makes them is the core's.

- :class:`hooksig.MemoryReplayStore`: the core's store, for one process.
- :class:`RedisReplayStore` and :class:`AsyncRedisReplayStore`: for several instances, over
  the ``redis`` package's client (``pip install "hooksig[redis]"``); one
  ``SET <prefix><key> 1 NX PX <ttl ms>`` per claim, one ``DEL`` per release. Valkey works the
  same.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import json
import logging
from typing import TYPE_CHECKING, Any, Callable, Protocol, TypeVar, Union, runtime_checkable

from hooksig._errors import VerificationError
from hooksig._hooksig import MemoryReplayStore

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "AsyncRedisReplayStore",
    "AsyncReplayStore",
    "RedisReplayStore",
    "ReplayStore",
    "ReplayStoreError",
]

logger = logging.getLogger("hooksig")

DEFAULT_PREFIX = "hooksig:"


@runtime_checkable
class ReplayStore(Protocol):
    """A store the helpers claim verified deliveries in (the sync form):
    :class:`hooksig.MemoryReplayStore`, :class:`RedisReplayStore`, or your own.

    ``claim`` raising (any exception) means the store cannot be reached: a helper then
    answers 503 ``{"error": "replay_store_unavailable"}``, unless ``on_store_error="allow"``.
    """

    def claim(self, key: str, ttl: int) -> bool:
        """Claims ``key`` for ``ttl`` seconds: True the first time within that time, False
        while an earlier claim lives. Atomic: of two concurrent claims, one wins."""
        ...

    def release(self, key: str) -> None:
        """Forgets a claim (the handler failed: the provider's retry must be processed)."""
        ...


@runtime_checkable
class AsyncReplayStore(Protocol):
    """The async form of :class:`ReplayStore` (:class:`AsyncRedisReplayStore`), for the ASGI
    helpers: ``claim`` and ``release`` are coroutines, awaited on the event loop."""

    async def claim(self, key: str, ttl: int) -> bool:
        """As :meth:`ReplayStore.claim`."""
        ...

    async def release(self, key: str) -> None:
        """As :meth:`ReplayStore.release`."""
        ...


class ReplayStoreError(Exception):
    """The store could not claim or release: Redis unreachable, timed out, or answering an
    error. ``__cause__`` is the client's exception."""


def _check_ttl(ttl: int) -> int:
    """The TTL in milliseconds, for ``PX``; 0 for a claim that lives 0 s (nothing to store)."""
    if isinstance(ttl, bool) or not isinstance(ttl, int):
        raise TypeError(f"ttl must be an int (seconds), not {type(ttl).__name__}")
    if ttl < 0:
        raise ValueError(f"ttl must be >= 0 seconds, not {ttl}")
    return ttl * 1000


def _check_key(key: str) -> str:
    """A key is a str (as the memory store takes it): anything else is the caller's mistake,
    never a store failure."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a str, not {type(key).__name__}")
    return key


def _check_redis(client: object, prefix: object, what: str) -> str:
    if not (callable(getattr(client, "set", None)) and callable(getattr(client, "delete", None))):
        raise TypeError(f"client must be a {what} client, not {type(client).__name__}")
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, not {type(prefix).__name__}")
    return prefix


class RedisReplayStore:
    """Claims in Redis, shared by every instance of an app: one ``SET key 1 NX PX ttl`` per
    claim, one ``DEL`` per release, each key prefixed.

    Arguments:
        client: a ``redis.Redis`` (``redis.Redis.from_url("redis://...")``), or a Valkey or
            cluster client with the same ``set``/``delete``. Give it a socket timeout, so that
            a Redis that stops answering fails the request instead of holding it.
        prefix: the start of every key (default ``"hooksig:"``).

    Raises (from ``claim`` and ``release``):
        ReplayStoreError: any error of the client (its ``__cause__``).
    """

    def __init__(self, client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = _check_redis(client, prefix, "redis.Redis")
        self.client = client

    def claim(self, key: str, ttl: int) -> bool:
        """``SET <prefix><key> 1 NX PX <ttl ms>``: True when the key was set."""
        name = self.prefix + _check_key(key)
        px = _check_ttl(ttl)
        if px == 0:
            return True
        client: Any = self.client
        try:
            return bool(client.set(name, 1, nx=True, px=px))
        except Exception as error:
            raise ReplayStoreError(f"Redis could not claim the key: {error}") from error

    def release(self, key: str) -> None:
        """``DEL <prefix><key>``."""
        name = self.prefix + _check_key(key)
        client: Any = self.client
        try:
            client.delete(name)
        except Exception as error:
            raise ReplayStoreError(f"Redis could not release the key: {error}") from error

    def __repr__(self) -> str:
        return f"RedisReplayStore({self.client!r}, prefix={self.prefix!r})"


class AsyncRedisReplayStore:
    """:class:`RedisReplayStore` over ``redis.asyncio.Redis``: ``claim`` and ``release`` are
    coroutines, so the ASGI helpers await them on the event loop without blocking it.

    Arguments:
        client: a ``redis.asyncio.Redis`` (``redis.asyncio.Redis.from_url("redis://...")``).
        prefix: the start of every key (default ``"hooksig:"``).

    Raises (from ``claim`` and ``release``):
        ReplayStoreError: any error of the client (its ``__cause__``).
    """

    def __init__(self, client: redis.asyncio.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = _check_redis(client, prefix, "redis.asyncio.Redis")
        self.client = client

    async def claim(self, key: str, ttl: int) -> bool:
        """``SET <prefix><key> 1 NX PX <ttl ms>``: True when the key was set."""
        name = self.prefix + _check_key(key)
        px = _check_ttl(ttl)
        if px == 0:
            return True
        client: Any = self.client
        try:
            return bool(await client.set(name, 1, nx=True, px=px))
        except Exception as error:
            raise ReplayStoreError(f"Redis could not claim the key: {error}") from error

    async def release(self, key: str) -> None:
        """``DEL <prefix><key>``."""
        name = self.prefix + _check_key(key)
        client: Any = self.client
        try:
            await client.delete(name)
        except Exception as error:
            raise ReplayStoreError(f"Redis could not release the key: {error}") from error

    def __repr__(self) -> str:
        return f"AsyncRedisReplayStore({self.client!r}, prefix={self.prefix!r})"


# --- what the helpers share ---------------------------------------------------------------

AnyStore = Union[ReplayStore, AsyncReplayStore]
"""A store as a helper takes it: sync or async."""

DUPLICATE_STATUS = 200
DUPLICATE_BODY: Any = {"status": "duplicate"}
UNAVAILABLE_STATUS = 503
UNAVAILABLE_CODE = "replay_store_unavailable"
ON_STORE_ERROR = ("fail", "allow")


class Outcome(enum.Enum):
    """What a claim decided for a verified delivery."""

    CLAIMED = "claimed"  # the first time: process it (and release on failure)
    DUPLICATE = "duplicate"  # claimed before: answer the duplicate, never call the handler
    UNAVAILABLE = "unavailable"  # the store failed: answer 503
    UNCLAIMED = "unclaimed"  # the store failed and on_store_error="allow": process it


def unavailable() -> VerificationError:
    """The error a store failure answers with (503, code ``replay_store_unavailable``)."""
    return VerificationError("the replay store could not be reached", UNAVAILABLE_CODE)


T = TypeVar("T")


async def to_thread(fn: Callable[..., T], *args: Any) -> T:
    """Runs a blocking call in a worker thread: anyio's (the ASGI frameworks' own) when
    installed, else asyncio's."""
    try:
        from anyio.to_thread import run_sync
    except ImportError:  # pragma: no cover - anyio comes with Starlette
        return await asyncio.to_thread(fn, *args)
    return await run_sync(fn, *args)


class Replay:
    """A helper's replay settings (``replay=``, ``on_store_error=``, ``duplicate_status=``,
    ``duplicate_body=``), checked when the helper is built, and the claim and release it
    makes for each verified delivery."""

    def __init__(
        self,
        store: AnyStore,
        *,
        on_store_error: str = "fail",
        duplicate_status: int = DUPLICATE_STATUS,
        duplicate_body: Any = DUPLICATE_BODY,
        sync_only: bool = False,
    ) -> None:
        claim = getattr(store, "claim", None)
        release = getattr(store, "release", None)
        if not callable(claim) or not callable(release):
            raise TypeError(
                "replay must be a replay store (claim(key, ttl) and release(key)): "
                "hooksig.MemoryReplayStore, hooksig.RedisReplayStore, "
                f"hooksig.AsyncRedisReplayStore, not {type(store).__name__}"
            )
        self.is_async = inspect.iscoroutinefunction(claim)
        if self.is_async != inspect.iscoroutinefunction(release):
            raise TypeError("replay: claim and release must both be coroutines, or neither")
        if sync_only and self.is_async:
            raise TypeError(
                f"replay: {type(store).__name__} is async; this helper runs in a WSGI worker "
                "and needs a sync store (hooksig.MemoryReplayStore, hooksig.RedisReplayStore)"
            )
        if on_store_error not in ON_STORE_ERROR:
            raise ValueError(f'on_store_error must be "fail" or "allow", not {on_store_error!r}')
        if isinstance(duplicate_status, bool) or not isinstance(duplicate_status, int):
            raise TypeError(
                f"duplicate_status must be an int, not {type(duplicate_status).__name__}"
            )
        if not 100 <= duplicate_status <= 599:
            raise ValueError(f"duplicate_status must be an HTTP status, not {duplicate_status}")
        self.store = store
        # The core's store never blocks (its lock is taken under the GIL only): called inline.
        self.inline = isinstance(store, MemoryReplayStore)
        self.allow = on_store_error == "allow"
        self.duplicate_status = duplicate_status
        self.duplicate_body = duplicate_body
        try:
            self.duplicate_rendered = json.dumps(duplicate_body, separators=(",", ":")).encode()
        except (TypeError, ValueError) as error:
            raise TypeError(f"duplicate_body must be JSON: {error}") from None

    def _failed(self, error: Exception) -> Outcome:
        if self.allow:
            logger.warning(
                "hooksig: the replay store failed (%s: %s); processing the delivery unclaimed "
                '(on_store_error="allow")',
                type(error).__name__,
                error,
            )
            return Outcome.UNCLAIMED
        logger.error(
            "hooksig: the replay store failed (%s: %s); answering 503",
            type(error).__name__,
            error,
        )
        return Outcome.UNAVAILABLE

    def _release_failed(self, error: Exception) -> None:
        # The claim then lives until its TTL: the provider's retries are answered as
        # duplicates until then.
        logger.error(
            "hooksig: the replay store could not release a claim after the handler failed "
            "(%s: %s); the provider's retries count as duplicates until the claim expires",
            type(error).__name__,
            error,
        )

    def claim(self, key: str, ttl: int) -> Outcome:
        """Claims a delivery from sync code."""
        try:
            won = self.store.claim(key, ttl)
        except Exception as error:
            return self._failed(error)
        return Outcome.CLAIMED if won else Outcome.DUPLICATE

    def release(self, key: str) -> None:
        """Releases a claim from sync code; a failure is logged."""
        try:
            self.store.release(key)
        except Exception as error:
            self._release_failed(error)

    async def aclaim(self, key: str, ttl: int) -> Outcome:
        """Claims a delivery from async code: an async store awaited, the memory store
        inline, any other sync store in a worker thread."""
        store: Any = self.store
        try:
            if self.is_async:
                won = await store.claim(key, ttl)
            elif self.inline:
                won = store.claim(key, ttl)
            else:
                won = await to_thread(store.claim, key, ttl)
        except Exception as error:
            return self._failed(error)
        return Outcome.CLAIMED if won else Outcome.DUPLICATE

    async def arelease(self, key: str) -> None:
        """Releases a claim from async code; a failure is logged."""
        store: Any = self.store
        try:
            if self.is_async:
                await store.release(key)
            elif self.inline:
                store.release(key)
            else:
                await to_thread(store.release, key)
        except Exception as error:
            self._release_failed(error)

    def __repr__(self) -> str:
        return f"Replay({self.store!r})"


def replay_of(
    store: AnyStore | None,
    on_store_error: str,
    duplicate_status: int,
    duplicate_body: Any,
    *,
    sync_only: bool = False,
) -> Replay | None:
    """A helper's replay settings, or None without a store (the other arguments are still
    checked)."""
    if store is None:
        if on_store_error not in ON_STORE_ERROR:
            raise ValueError(f'on_store_error must be "fail" or "allow", not {on_store_error!r}')
        return None
    return Replay(
        store,
        on_store_error=on_store_error,
        duplicate_status=duplicate_status,
        duplicate_body=duplicate_body,
        sync_only=sync_only,
    )


# The public classes show (and pickle) under `hooksig`, where they are imported from.
for _cls in (
    AsyncRedisReplayStore,
    AsyncReplayStore,
    RedisReplayStore,
    ReplayStore,
    ReplayStoreError,
):
    _cls.__module__ = "hooksig"
