"""Report exports as background jobs: a large CSV or XLSX is written by a job (a thread, or an RQ
worker) into the database in chunks, with its progress on a page and a download link when ready."""
