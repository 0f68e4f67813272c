"""``flask exports prune`` (for a cron table: jobs and files past ``EXPORT_KEEP_HOURS``) and
``flask exports worker`` (runs the jobs queued in RQ when ``EXPORT_QUEUE=rq``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from server.exports import runners, services

exports_cli = AppGroup("exports", help="Background export jobs: prune old ones, run RQ's worker.")


@exports_cli.command("prune")
def prune_command() -> None:
    """Delete export jobs and files older than EXPORT_KEEP_HOURS; mark interrupted ones failed."""
    # commits itself (short transactions of its own), like every step of a job
    click.echo(f"{services.prune()} old export(s) deleted")


@exports_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, cron).")
def worker_command(burst: bool) -> None:
    """Run the export jobs queued in RQ (EXPORT_QUEUE=rq, on RQ_REDIS_URL), in this process."""
    from rq import SimpleWorker

    queue = runners.rq_queue(current_app)
    # SimpleWorker runs each job here, inside this command's app context, instead of forking a
    # child that would share the database pool's sockets with it
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)
