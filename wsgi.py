"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

import gc

from server import create_app

app = create_app()

# Everything built so far (the app, its models, schemas, translations: some 170,000 objects) lives
# as long as the process. Frozen, the collector no longer walks it on every full collection: those
# took 5-10 % of a push of 200 visits (docs/benchmarks.md "Sync push"). Garbage made while starting
# is collected first, so nothing unreachable is kept.
gc.collect()
gc.freeze()
