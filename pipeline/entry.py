"""Where the ``pipeline`` command starts: its console script and ``python -m pipeline``.

Importing this module costs nothing (it needs only ``sys``), and :func:`run` imports the rest,
``signal`` and the command line, inside its handling of Ctrl-C and SIGTERM: the command line's
modules take a tenth of a second or more to import, and Ctrl-C meanwhile printed Python's
KeyboardInterrupt traceback instead of the command's one line, and SIGTERM ended the process
without one (exit 143 in a shell, not 130).
"""

import sys

EXIT_INTERRUPTED = 130  # what a shell reports for a command Ctrl-C ended: 128 + SIGINT
INTERRUPTED = "pipeline: interrupted; earlier outputs are unchanged"


def run() -> int:
    """Run the ``pipeline`` command on ``sys.argv``; return its exit code (130 on Ctrl-C, at
    any moment from here on, and on SIGTERM)."""
    try:
        import signal  # here: Ctrl-C while it is imported is handled too

        signal.signal(signal.SIGTERM, _interrupt)  # until the command line sets its own
        from pipeline.cli import main

        return main()
    except KeyboardInterrupt:  # before main() handles it: while its modules are imported
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        _forget_interrupts_in_exec()


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM while the command starts: as Ctrl-C, one line and exit code 130."""
    raise KeyboardInterrupt


def _forget_interrupts_in_exec() -> None:
    """Let the exit code returned be the process's, however Ctrl-C was handled.

    CPython marks a KeyboardInterrupt that leaves code run by ``exec()`` of a string as
    unhandled, even when it is caught further up; dataclasses and namedtuples make their methods
    so, in the modules a command imports. With that mark, ``python -m`` ends by SIGINT instead
    of exiting 130 (the command's line printed all the same). An ``exec()`` that ends without
    one clears it.
    """
    exec("")
