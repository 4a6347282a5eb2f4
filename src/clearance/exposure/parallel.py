"""Run a function over chunks of a stream in forked worker processes, results in order.

At most ``2 * workers`` chunks are in flight, so memory stays flat whatever the input size.
The workers inherit the parent's state (the objects ``func`` uses) when processes fork; where
they cannot fork, or with one worker, the chunks are run here.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: the function the forked workers run (set just before forking)
_TASK: dict[str, Callable[[list[Any]], list[Any]]] = {}


def _run(chunk: list[Any]) -> list[Any]:
    return _TASK["func"](chunk)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_map(
    func: Callable[[list[T]], list[R]], items: Iterable[T], workers: int, chunk_size: int
) -> Iterator[R]:
    """``func`` over chunks of ``items``, the results flattened in input order."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks(items, chunk_size):
            yield from func(chunk)
        return
    context = multiprocessing.get_context("fork")
    _TASK["func"] = func
    try:
        with context.Pool(workers) as pool:
            pending: deque[AsyncResult[list[R]]] = deque()
            for chunk in chunks(items, chunk_size):
                pending.append(pool.apply_async(_run, (chunk,)))
                while len(pending) >= 2 * workers:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        _TASK.pop("func", None)
