"""Run the command line as ``python -m accessible``, for a machine where ``accessible`` is not on the PATH."""

from accessible.cli import main

main(prog_name="accessible")
