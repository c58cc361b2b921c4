"""Where the ``pipeline`` command starts: its console script and ``python -m pipeline``.

Importing this module costs nothing (it needs only ``sys``), and :func:`run` imports the command
line inside its handling of Ctrl-C: the command line's modules take a tenth of a second or more
to import, and Ctrl-C meanwhile printed Python's KeyboardInterrupt traceback instead of the
command's one line.
"""

import sys

EXIT_INTERRUPTED = 130  # what a shell reports for a command Ctrl-C ended: 128 + SIGINT
INTERRUPTED = "pipeline: interrupted; earlier outputs are unchanged"


def run() -> int:
    """Run the ``pipeline`` command on ``sys.argv``; return its exit code (130 on Ctrl-C, at
    any moment from here on)."""
    try:
        from pipeline.cli import main

        return main()
    except KeyboardInterrupt:  # before main() handles it: while its modules are imported
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED

