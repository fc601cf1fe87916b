"""`python -m bulkops` runs the command line."""

from bulkops.cli import run

run()
