"""dlib's 128-D descriptors of aligned 150 px face chips, in this process or in helpers.

dlib's Python binding holds the GIL for the whole ResNet pass (~65 ms a chip on a 2-core
EPYC), and a verification needs six of them (selfie and portrait with their mirror images,
two video frames). Worker threads of one process then take turns on those passes instead of
using every core: that was the embedded mode's throughput limit (benchmarks/workflow, ADR 0102).

``start_helpers(n)`` moves the ResNet into ``n`` helper processes. Each is a new interpreter
running this module's ``_serve``, and imports only the face package, not the server that
started it (``multiprocessing`` would import the server's main module again in each). A chip
goes down the helper's stdin and its descriptor comes back on its stdout, pickled (both ends
are this module); the calling thread waits on the pipe with the GIL released. Without
helpers, or when a helper has died, the chips are described here: same model, same numbers.
A dead helper is replaced for the next call; helpers that cannot start at all leave the work
here, with a warning in the log.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO, Any

import numpy as np

from openkyc.vision.face.types import Embedding, RGBImage

__all__ = ["describe", "helper_processes", "start_helpers", "stop_helpers"]

log = logging.getLogger(__name__)

#: Seconds a helper gets to finish its chips and exit before it is killed.
STOP_TIMEOUT_S = 10.0

_net: Any = None
_net_lock = threading.Lock()

#: Idle helpers; a stopped set holds one None, which sends late callers back to this process.
_idle: queue.Queue[_Helper | None] | None = None
_count = 0
_helpers_lock = threading.Lock()


def describe(chips: Sequence[RGBImage], jitters: int = 0) -> list[Embedding]:
    """The descriptor of every chip, each with ``jitters`` random re-crops (0 = none)."""
    idle = _idle
    if idle is None:
        return _describe_here(chips, jitters)
    helper = idle.get()  # more callers than helpers wait their turn, as they would on the GIL
    if helper is None:  # the helpers stopped while this call waited for one
        idle.put(None)
        return _describe_here(chips, jitters)
    try:
        return helper.describe([np.ascontiguousarray(chip) for chip in chips], jitters)
    except (OSError, EOFError, pickle.UnpicklingError):
        log.warning("a face descriptor helper died (%s); starting a new one", helper.exit_text())
        helper.stop()
        try:
            helper = _Helper()
        except OSError:
            log.exception("no new face descriptor helper; describing in this process")
        return _describe_here(chips, jitters)
    finally:
        idle.put(helper)


def start_helpers(processes: int) -> None:
    """Describe chips in ``processes`` helper processes from now on (0: stop them)."""
    global _idle, _count
    with _helpers_lock:
        old, _idle, _count = _idle, None, 0
        if old is not None:
            for _ in range(old.maxsize):
                stopping = old.get()  # waits for the calls in flight
                if stopping is not None:
                    stopping.stop()
            old.put(None)
        if processes > 0:
            idle: queue.Queue[_Helper | None] = queue.Queue(maxsize=processes)
            try:
                for _ in range(processes):
                    idle.put(_Helper())
            except OSError:
                log.exception("face descriptor helpers did not start; describing in process")
                while not idle.empty():
                    started = idle.get()
                    if started is not None:
                        started.stop()
                return
            _idle, _count = idle, processes


def stop_helpers() -> None:
    """Stop the helpers once their current chips are described; describe here from now on."""
    start_helpers(0)


def helper_processes() -> int:
    """How many helper processes describe chips (0: they are described in this process)."""
    return _count


class _Helper:
    """One helper process; its first answer says the model has loaded."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import _serve; _serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._ready = False

    def describe(self, chips: list[RGBImage], jitters: int) -> list[Embedding]:
        stdin, stdout = self._pipes()
        if not self._ready:
            if pickle.load(stdout) != "ready":
                raise OSError("the helper did not start its model")
            self._ready = True
        pickle.dump((chips, jitters), stdin, protocol=pickle.HIGHEST_PROTOCOL)
        stdin.flush()
        answer: list[Embedding] | Exception = pickle.load(stdout)
        if isinstance(answer, Exception):
            raise answer  # what dlib raised in the helper, as it would have raised here
        return answer

    def stop(self) -> None:
        if self._process.stdin:
            try:
                self._process.stdin.close()  # the helper exits at the end of its input
            except OSError:
                pass
        try:
            self._process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()

    def exit_text(self) -> str:
        code = self._process.poll()
        return "still running" if code is None else f"exit status {code}"

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - Popen above always sets both
            raise OSError("helper pipes are closed")
        return stdin, stdout


def _load() -> Any:
    global _net
    with _net_lock:
        if _net is None:
            import dlib
            import face_recognition_models as models

            _net = dlib.face_recognition_model_v1(models.face_recognition_model_location())
        return _net


def _describe_here(chips: Sequence[RGBImage], jitters: int) -> list[Embedding]:
    net = _load()
    with _net_lock:  # the network keeps per-call buffers
        return [
            np.asarray(net.compute_face_descriptor(np.ascontiguousarray(chip), jitters), np.float32)
            for chip in chips
        ]


def _serve() -> None:
    """The helper's loop: (chips, jitters) in on stdin, descriptors out on stdout, until EOF."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the answers
    requests = sys.stdin.buffer
    _load()
    pickle.dump("ready", answers)
    answers.flush()
    while True:
        try:
            chips, jitters = pickle.load(requests)
        except EOFError:
            return
        answer: list[Embedding] | Exception
        try:
            answer = _describe_here(chips, jitters)
        except Exception as error:  # sent back to the caller, which raises it
            answer = error
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()
