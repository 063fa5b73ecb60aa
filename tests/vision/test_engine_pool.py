"""Pooled engines: one call per instance at a time, instances reused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from openkyc.vision.pool import Instances


def test_concurrent_calls_get_their_own_instance_and_instances_are_reused() -> None:
    made: list[object] = []
    pool: Instances[object] = Instances(lambda: made.append(object()) or made[-1])
    inside = threading.Barrier(2)
    held: list[object] = []

    def call() -> None:
        with pool.borrow() as instance:
            held.append(instance)
            inside.wait(timeout=10)  # both calls hold an instance at the same time

    with ThreadPoolExecutor(max_workers=2) as workers:
        list(workers.map(lambda _: call(), range(2)))
    assert len(made) == 2
    assert held[0] is not held[1]
    with pool.borrow() as again:
        assert again in made
    assert len(made) == 2


def test_an_instance_is_returned_when_the_call_fails() -> None:
    pool: Instances[list[int]] = Instances(list)
    try:
        with pool.borrow() as first:
            raise RuntimeError("engine failed")
    except RuntimeError:
        pass
    with pool.borrow() as second:
        assert second is first


def test_a_pool_is_filled_ahead_and_calls_side_by_side_then_make_none() -> None:
    made: list[object] = []
    pool: Instances[object] = Instances(lambda: made.append(object()) or made[-1])
    pool.fill(2)
    assert len(made) == 2
    pool.fill(2)  # already there
    assert len(made) == 2
    with pool.borrow() as first, pool.borrow() as second:
        assert {id(first), id(second)} == {id(m) for m in made}
    assert len(made) == 2
