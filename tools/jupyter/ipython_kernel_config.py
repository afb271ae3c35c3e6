"""Kernel settings of the course's virtual environment.

`make venv` copies this file to .venv/etc/ipython/, where every kernel
started from .venv reads it: in JupyterLab, in the book build and in the
notebook tests.

It silences one warning, "Kernel is running over TCP without encryption",
which ipykernel prints at every kernel start and which alarms newcomers. It is
safe to silence here: the kernels of JupyterLab, of the book build and of the
tests listen on 127.0.0.1 only (the loopback interface, which no other machine
can reach), and every message is signed with a random key that only the
connection file, readable by its owner alone, holds. Every other warning of
the kernel is still shown.
"""

import logging


class _NoLoopbackEncryptionWarning(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


# IPKernelApp logs through the logger named after its class
logging.getLogger("IPKernelApp").addFilter(_NoLoopbackEncryptionWarning())
