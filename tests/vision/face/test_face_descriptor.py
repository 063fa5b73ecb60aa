"""Face descriptors in helper processes: the same numbers as in process, and no lost call."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator

import numpy as np
import pytest

from openkyc.vision.face import descriptor
from openkyc.vision.face.engine import DlibFaceEngine


@pytest.fixture(scope="module")
def chips(engine: DlibFaceEngine, astronaut: np.ndarray) -> list[np.ndarray]:
    used = engine.analyze(astronaut).used
    assert used is not None
    assert used.chip is not None
    chip = used.chip
    return [chip, np.ascontiguousarray(chip[:, ::-1])]


@pytest.fixture
def helpers() -> Iterator[None]:
    descriptor.start_helpers(1)
    try:
        yield
    finally:
        descriptor.stop_helpers()


def test_helpers_compute_what_this_process_computes(chips: list[np.ndarray], helpers: None) -> None:
    assert descriptor.helper_processes() == 1
    assert descriptor._idle is not None
    (helper,) = list(descriptor._idle.queue)
    remote = descriptor.describe(chips)
    descriptor.stop_helpers()
    assert descriptor.helper_processes() == 0
    assert helper._process.poll() == 0  # it finished and exited on its own
    here = descriptor.describe(chips)
    assert [vector.dtype for vector in remote] == [np.float32, np.float32]
    np.testing.assert_array_equal(remote, here)
    assert np.linalg.norm(remote[0] - remote[1]) > 0  # the mirror image is its own descriptor


def test_a_killed_helper_is_replaced_and_the_call_still_answers(
    chips: list[np.ndarray], helpers: None
) -> None:
    expected = descriptor.describe(chips[:1])
    idle = descriptor._idle
    assert idle is not None
    (helper,) = list(idle.queue)
    os.kill(helper._process.pid, signal.SIGKILL)
    helper._process.wait()
    np.testing.assert_array_equal(descriptor.describe(chips[:1]), expected)  # answered here
    (replacement,) = list(idle.queue)
    assert replacement is not helper
    np.testing.assert_array_equal(descriptor.describe(chips[:1]), expected)  # by the new one
    assert replacement._process.poll() is None
    assert descriptor.helper_processes() == 1


def test_helpers_that_cannot_start_leave_the_work_here(
    chips: list[np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    descriptor.start_helpers(2)
    try:
        assert descriptor.helper_processes() == 0
        assert len(descriptor.describe(chips)) == 2
    finally:
        descriptor.stop_helpers()


def test_a_chip_dlib_refuses_raises_as_it_would_here(helpers: None) -> None:
    wrong = np.zeros((20, 20, 3), np.uint8)
    with pytest.raises(RuntimeError) as here:
        descriptor._describe_here([wrong], 0)
    with pytest.raises(RuntimeError) as remote:
        descriptor.describe([wrong])
    assert str(remote.value) == str(here.value)
    assert descriptor._idle is not None
    (helper,) = list(descriptor._idle.queue)
    assert helper._process.poll() is None  # the helper answered with the error and lives on


def test_a_call_that_found_the_helpers_just_before_they_stopped_is_answered_here(
    chips: list[np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = descriptor.describe(chips[:1])
    descriptor.start_helpers(1)
    stale = descriptor._idle  # what a call read just before the stop began
    assert stale is not None
    descriptor.stop_helpers()
    monkeypatch.setattr(descriptor, "_idle", stale)
    answers: list[list[np.ndarray]] = []
    late = threading.Thread(
        target=lambda: answers.append(descriptor.describe(chips[:1])), daemon=True
    )
    late.start()
    late.join(timeout=30)
    assert not late.is_alive(), "the late call hung on the stopped helpers"
    np.testing.assert_array_equal(answers[0], expected)
