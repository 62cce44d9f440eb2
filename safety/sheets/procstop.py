"""Stopping a process pool in bounded time — shared by the parse pool
(``safety.sheets.pool``) and the PDF pool (``safety.reports.pool``).

``ProcessPoolExecutor.shutdown(wait=True)`` waits for every running task: a worker still
warming up (the first one builds the PDF fonts: half a minute on a cold machine) or a
render in progress held a server's stop past its service manager's patience. The server
has finished its requests by the time the pools stop, so what still runs is abandoned."""

from __future__ import annotations

import concurrent.futures


def stop_executor(executor: concurrent.futures.ProcessPoolExecutor, grace: float) -> None:
    """Cancel what waits, give each worker ``grace`` seconds to finish what it runs, kill
    the ones still busy, then join the executor's queues and threads."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:  # idle workers exit at once; a busy one does not
        process.join(timeout=grace)
        if process.is_alive():
            process.kill()
            process.join(timeout=grace)
    executor.shutdown(wait=True)  # the workers are gone: returns at once
