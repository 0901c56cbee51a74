"""How the benchmark's children end: ``finish()`` once their result files are written.

A one-shot process has nothing left to do after writing its results, so every child of the
selection benchmark (OpenKAM, the SQL script and pandas alike) leaves with ``os._exit(0)``
instead of the interpreter's teardown: the final garbage collection over the objects of
every imported module (~0.4 s for the Ibis, sqlglot and pandas stack, whatever the ledger
size) is no part of the computation being compared. Files are closed by then; the standard
streams are flushed here.
"""

from __future__ import annotations

import os
import sys


def finish() -> None:
    """Flush the standard streams and end the process at once with status 0."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
