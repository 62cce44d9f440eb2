"""Worker processes for CPU-bound parsing of uploads (kernel; the sheet imports use it,
and any later import of checklists or risk points should).

Why processes: python-calamine and the csv module hold the GIL, so a parse in a thread still
slows every other request of that server; in another process it cannot.

- The pool is small (``SAFETY_SHEET_WORKERS`` per server process), made from a fork server
  (a clean interpreter with the sheet reader preloaded, safe to start from a threaded server; each
  uvicorn worker has its own). Workers run at a lower CPU priority
  (``SAFETY_SHEET_WORKER_NICE``) and with an address-space limit
  (``SAFETY_SHEET_WORKER_MEMORY_MB``).
- At most ``SAFETY_SHEET_WORKERS`` parses run at once per server process; the others wait
  their turn, and their time starts when they start.
- A parse using more than ``SAFETY_SHEET_PARSE_SECONDS`` of CPU time is stopped inside its
  worker (a profiling timer: CPU time, not the clock, so a busy machine does not fail a fair
  file); one that takes ``WALL_CLOCK_FACTOR`` times as long on the clock anyway (a hang) is
  killed with its pool. The next request gets a fresh pool, and a parse that was only a
  bystander of the kill is run again once. A worker that dies (a crash) is the same: 400.
- ``start`` and ``stop`` are the app's startup and shutdown hooks; ``run`` also starts the
  pool on first use (scripts, tests without the app).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from safety.errors import DomainError, ValidationFailed
from safety.sheets.procstop import stop_executor

log = logging.getLogger(__name__)

WALL_CLOCK_FACTOR = 10  # the wall-clock backstop, in multiples of the CPU time limit
STOP_GRACE_SECONDS = 5


class ParseTooSlow(BaseException):
    """Raised in a worker when its parse has used up its CPU time. A BaseException, so the
    readers' ``except Exception`` (→ "unreadable file") cannot swallow it."""


def _too_slow(_signum: int, _frame: Any) -> None:
    raise ParseTooSlow


def _init_worker(memory_bytes: int, niceness: int) -> None:
    """In each worker: a lower CPU priority than the servers, a bounded address space (a
    file that still manages to need more fails with MemoryError → 400), and the CPU timer's
    signal turned into ``ParseTooSlow``."""
    import resource
    import signal

    if niceness > 0:
        os.nice(niceness)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGPROF, _too_slow)


def _too_slow_error(seconds: float) -> ValidationFailed:
    return ValidationFailed.field(
        "file",
        f"文件解析超过 {seconds:g} 秒，已停止；请删除无关内容或分批导入",
    )


def _call(fn: Callable[..., Any], args: tuple, cpu_seconds: float) -> tuple:
    """Runs in the worker: ``fn(*args)`` with at most ``cpu_seconds`` of CPU time (a
    profiling timer: CPU time, not the clock, so a busy machine does not make a fair file
    fail). Domain errors travel back as values (their ``extra`` would be lost in pickling
    an exception)."""
    import signal

    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    try:
        return ("ok", fn(*args))
    except DomainError as exc:
        return ("error", type(exc), exc.detail, exc.extra)
    except ParseTooSlow:
        err = _too_slow_error(cpu_seconds)
        return ("error", ValidationFailed, err.detail, err.extra)
    except MemoryError:
        message = "文件内容过于复杂，无法读取，请删除无关内容或分批导入"
        return ("error", ValidationFailed, message, [{"key": "file", "message": message}])
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


class _Pool:
    def __init__(self) -> None:
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.generation = 0
        self.lock = threading.Lock()
        self.slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def get(self) -> tuple[concurrent.futures.ProcessPoolExecutor, int]:
        from safety.settings import get_settings

        with self.lock:
            if self.executor is None:
                s = get_settings()
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(
                    ["safety.sheets.pool", "safety.sheets.guard", "python_calamine"]
                )
                self.executor = concurrent.futures.ProcessPoolExecutor(
                    max_workers=max(1, s.sheet_workers),
                    mp_context=ctx,
                    initializer=_init_worker,
                    initargs=(s.sheet_worker_memory_mb * 1024 * 1024, s.sheet_worker_nice),
                )
                self.generation += 1
            return self.executor, self.generation

    def kill(self, generation: int) -> None:
        """End the pool of ``generation`` (if still current) and its workers at once."""
        with self.lock:
            if self.executor is None or generation != self.generation:
                return
            executor, self.executor = self.executor, None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def stop(self) -> None:
        with self.lock:
            executor, self.executor = self.executor, None
            self.slots.clear()
        if executor is not None:
            stop_executor(executor, STOP_GRACE_SECONDS)

    def slot(self) -> asyncio.Semaphore:
        from safety.settings import get_settings

        loop = asyncio.get_running_loop()
        if loop not in self.slots:
            self.slots = {k: v for k, v in self.slots.items() if not k.is_closed()}
            self.slots[loop] = asyncio.Semaphore(max(1, get_settings().sheet_workers))
        return self.slots[loop]


_POOL = _Pool()


def _noop() -> None:
    return None


def _warm(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    try:
        executor.submit(_noop).result()
    except Exception:
        log.warning("parse pool: warming up a worker failed", exc_info=True)


async def start() -> None:
    """App startup: start the fork server and a first worker in the background (loading
    the reader there takes a moment), so neither startup nor the first import waits."""
    executor, _ = _POOL.get()
    threading.Thread(target=_warm, args=(executor,), name="parsepool-warm", daemon=True).start()


async def stop() -> None:
    """App shutdown: stop the workers. The server has finished its requests by then, so a
    parse still running is abandoned: killed after ``STOP_GRACE_SECONDS``."""
    await asyncio.get_running_loop().run_in_executor(None, _POOL.stop)


async def run(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker process; ``fn`` must be a module-level function and its
    arguments and result picklable. At most ``SAFETY_SHEET_WORKERS`` parses run at once per
    server process (the rest wait their turn). A parse using more than
    ``SAFETY_SHEET_PARSE_SECONDS`` of CPU time is stopped in its worker; one taking
    ``WALL_CLOCK_FACTOR`` times that on the clock (a hang, or a machine so loaded that the
    parse starves) is killed with its pool. Both: 400 naming ``file``."""
    from safety.settings import get_settings

    limit = get_settings().sheet_parse_seconds
    loop = asyncio.get_running_loop()
    async with _POOL.slot():
        for attempt in (1, 2):
            executor, generation = _POOL.get()
            try:
                # submit in a thread: it may start a worker, which waits on the fork server
                submitted = await loop.run_in_executor(
                    None, executor.submit, _call, fn, args, limit
                )
            except (BrokenProcessPool, RuntimeError):  # RuntimeError: the pool was stopped
                _POOL.kill(generation)
                if attempt == 1:
                    continue
                raise
            try:
                outcome = await asyncio.wait_for(
                    asyncio.wrap_future(submitted), limit * WALL_CLOCK_FACTOR
                )
            except TimeoutError:
                _POOL.kill(generation)
                raise _too_slow_error(limit) from None
            except ParseTooSlow:  # the timer fired just as the parse ended
                raise _too_slow_error(limit) from None
            except BrokenProcessPool:
                bystander = generation != _POOL.generation or _POOL.executor is None
                _POOL.kill(generation)
                if bystander and attempt == 1:
                    continue  # another parse's kill took this one down: run it again
                raise ValidationFailed.field("file", "文件无法读取（解析进程异常退出）") from None
            if outcome[0] == "ok":
                return outcome[1]
            _, cls, detail, extra = outcome
            raise cls(detail, extra)
    raise AssertionError("unreachable")
