"""`mockloop worker`: consumers of the task queue (grading jobs) for a server whose web processes do not run
their own (MOCKLOOP_EMBEDDED_WORKER=0)."""
from __future__ import annotations

import click

from simulator.cli.common import clean_errors


@click.command(name="worker")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Consumer threads: jobs run at once in this process.")
@click.option("--drain", is_flag=True, help="Run the jobs queued now (and recover those whose worker died), then exit.")
@clean_errors
def command(workers: int, drain: bool) -> None:
    """Run the queue's consumers. The queue is MOCKLOOP_QUEUE_URL (redis://... for a team server), else the SQLite
    file beside the database; the database is DATABASE_URL, else SQLite in the data folder, as for `serve`."""
    import logging

    from simulator.config import database_url
    from simulator.jobs.config import queue_url
    from simulator.jobs.runtime import consumer, jobs_from_environment

    jobs = jobs_from_environment()
    url = queue_url(database_url())
    if jobs.huey.immediate:
        raise ValueError("MOCKLOOP_QUEUE_URL=immediate runs jobs where they are enqueued: there is nothing to consume")
    if drain:
        recovered = jobs.recover()
        done = 0
        while (task := jobs.huey.dequeue()) is not None:
            jobs.huey.execute(task)
            done += 1
        click.echo(f"ran {done} job(s) ({recovered} recovered from a dead worker) from {url}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    recovered = jobs.recover()
    click.echo(f"mockloop worker: {workers} thread(s) on {url}" + (f", {recovered} job(s) recovered" if recovered else "")
               + " (Ctrl-C to stop)")
    consumer(jobs, workers).run()
