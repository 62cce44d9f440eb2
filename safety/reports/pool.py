"""The PDF worker processes: rendering is CPU-bound Python (layout) and C (Pango,
HarfBuzz), so it runs in a small pool of processes (``SAFETY_PDF_WORKERS`` per server
process, default 2, at a lower CPU priority) instead of the event loop or its threads:
the server keeps answering (``/health``, pages) while reports render. At most that many
documents render at once; further requests wait their turn.

``start``/``stop`` are app hooks; ``run`` starts the pool on first use too (scripts,
benchmarks)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import logging
import multiprocessing
import os
import threading
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from safety.sheets.procstop import stop_executor

log = logging.getLogger(__name__)

# At shutdown a render (or a worker's warm-up) still running gets this long, then it is
# killed: the server has answered its requests by then.
STOP_GRACE_SECONDS = 5


def _init_worker(niceness: int) -> None:
    if niceness > 0:
        os.nice(niceness)
    try:
        from safety.reports import worker

        worker.warm()
    except Exception:
        log.warning("PDF worker: warming up failed", exc_info=True)
    # A render makes some 10^5-10^6 objects (boxes, styles), so the cyclic garbage
    # collector runs hundreds of times per report, and its older-generation passes walked
    # every object alive, the worker's modules, fonts and style sheets included (a tenth
    # of a 20-hazard report's time). Those are there for good: frozen out of its reach.
    gc.freeze()


class _Pool:
    def __init__(self) -> None:
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.lock = threading.Lock()
        self.slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        # Set by the app's shutdown (cleared by its start-up): a render whose worker was
        # killed then fails instead of starting a fresh pool behind the stopping server.
        self.stopped = False
        self.warming: threading.Thread | None = None  # started by ``start``

    def get(self) -> concurrent.futures.ProcessPoolExecutor:
        from safety.settings import get_settings

        with self.lock:
            if self.executor is None:
                s = get_settings()
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["safety.reports.worker", "weasyprint"])
                self.executor = concurrent.futures.ProcessPoolExecutor(
                    max_workers=s.pdf_workers,
                    mp_context=ctx,
                    initializer=_init_worker,
                    initargs=(s.pdf_worker_nice,),
                )
            return self.executor

    def drop(self, executor: concurrent.futures.ProcessPoolExecutor) -> None:
        with self.lock:
            if self.executor is executor:
                self.executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            executor, self.executor = self.executor, None
            self.slots.clear()
        if executor is not None:
            stop_executor(executor, STOP_GRACE_SECONDS)

    def slot(self) -> asyncio.Semaphore:
        from safety.settings import get_settings

        loop = asyncio.get_running_loop()
        if loop not in self.slots:
            self.slots = {k: v for k, v in self.slots.items() if not k.is_closed()}
            self.slots[loop] = asyncio.Semaphore(get_settings().pdf_workers)
        return self.slots[loop]


_POOL = _Pool()


def _warm(executor: concurrent.futures.ProcessPoolExecutor, workers: int) -> None:
    """Start every worker now (each warms up as it starts), not when documents first come
    in at once: the executor starts one more process for each task submitted while none
    is idle."""
    try:
        for future in [executor.submit(os.getpid) for _ in range(workers)]:
            future.result()
    except Exception:
        if not _POOL.stopped:  # else the server stopped while the workers warmed up
            log.warning("PDF pool: warming up failed", exc_info=True)


def _find_font_and_warm() -> None:
    """Off the start-up path (a thread): finding the font reads a 20 MB collection's
    character maps (a second on a busy machine) and the first worker may build the
    document fonts (~25 s): ``/health`` and the pages answer meanwhile."""
    from safety.reports import fonts
    from safety.settings import get_settings

    source = fonts.find_source()
    if source is None:
        log.warning("PDF documents are unavailable: %s", fonts.INSTALL_HINT)
        return
    log.info("PDF documents: CJK font %s (%s)", source.family, source.path)
    if not _POOL.stopped:  # the server may have stopped meanwhile
        _warm(_POOL.get(), get_settings().pdf_workers)


async def start() -> None:
    """App start-up: in the background, say whether a CJK font is there (a warning when
    not) and start the workers (the first builds the document fonts if they are missing).
    Nothing here delays the server's first answer."""
    _POOL.stopped = False
    _POOL.warming = threading.Thread(target=_find_font_and_warm, name="pdf-warm", daemon=True)
    _POOL.warming.start()


def wait_warm(timeout: float | None = None) -> None:
    """Block until the start-up's font look-up and warm-up are done (tests, scripts)."""
    if _POOL.warming is not None:
        _POOL.warming.join(timeout)


async def stop() -> None:
    await asyncio.get_running_loop().run_in_executor(None, _POOL.stop)


async def run(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in a worker process, at most ``SAFETY_PDF_WORKERS`` at once."""
    loop = asyncio.get_running_loop()
    async with _POOL.slot():
        for attempt in (1, 2):
            if _POOL.stopped:
                raise RuntimeError("the PDF pool was stopped (the server is shutting down)")
            executor = _POOL.get()
            try:
                # submit in a thread: it may start a worker, which waits on the fork server
                future = await loop.run_in_executor(None, executor.submit, fn, *args)
            except (BrokenProcessPool, RuntimeError):  # RuntimeError: the pool was stopped
                _POOL.drop(executor)
                if attempt == 2:
                    raise
                continue
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                _POOL.drop(executor)  # a worker died: a fresh pool, and one more try
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")
