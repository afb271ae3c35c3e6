"""Which extra of segcourse brings which optional package, and the error that says so.

A plain ``pip install segcourse`` gives the scores and what they need (numpy,
scipy, scikit-image): :mod:`segcourse.metrics`, :mod:`segcourse.labels`,
:mod:`segcourse.data`, :mod:`segcourse.outputs`, :mod:`segcourse.scenarios`.
The rest needs an extra:

========================  =================================  ==========================
module                    needs                              extra
========================  =================================  ==========================
``segcourse.losses``      torch (edt: faster distance maps)  ``segcourse[torch]``
``segcourse.models``      torch, tqdm                        ``segcourse[torch]``
``segcourse.experiments`` torch, tqdm                        ``segcourse[torch]``
``segcourse.plotting``    matplotlib                         ``segcourse[course]``
``segcourse.widgets``     matplotlib, ipywidgets             ``segcourse[course]``
========================  =================================  ==========================

(``segcourse[course]`` includes ``segcourse[torch]``: everything the notebooks
import.) A module that needs an optional package guards its first import of it::

    try:
        import torch
    except ModuleNotFoundError as error:
        from segcourse._optional import missing_extra

        raise missing_extra(error, __name__) from error

so that importing it without the extra raises :class:`MissingExtraError`, an
``ImportError`` whose message names the extra to install:

>>> error = ModuleNotFoundError("No module named 'torch'", name="torch")
>>> message = str(missing_extra(error, "segcourse.losses"))
>>> message[:60]
'segcourse.losses needs torch, which a plain `pip install seg'
>>> "pip install 'segcourse[torch]'" in message
True

A missing package that no extra brings is not ours to explain: the original
error comes back unchanged.

>>> other = ModuleNotFoundError("No module named 'nonexistent'", name="nonexistent")
>>> missing_extra(other, "segcourse.losses") is other
True
"""

from __future__ import annotations

#: top-level package -> the extra of segcourse that installs it
EXTRAS = {
    "torch": "torch",
    "tqdm": "torch",
    "edt": "torch",
    "matplotlib": "course",
    "ipywidgets": "course",
}

_HINTS = {
    "torch": (" (on Linux a plain install of torch is a CUDA build of several GB; for the "
              "CPU build install torch first from PyTorch's CPU wheel index: see "
              "'Which build of torch' in the README)"),
}


class MissingExtraError(ModuleNotFoundError):
    """A module of segcourse needs a package that an extra of segcourse installs."""

    def __init__(self, message: str, *, name: str, extra: str):
        super().__init__(message, name=name)
        self.extra = extra


def missing_extra(error: ModuleNotFoundError, module: str) -> ImportError:
    """The error to raise when ``module`` cannot import an optional package.

    ``error`` is the ``ModuleNotFoundError`` of that import. Returns a
    :class:`MissingExtraError` naming the extra that installs the missing
    package, or ``error`` itself when the missing package is no optional one.
    """
    package = (getattr(error, "name", None) or "").split(".")[0]
    extra = EXTRAS.get(package)
    if extra is None:
        return error
    return MissingExtraError(
        f"{module} needs {package}, which a plain `pip install segcourse` leaves out: "
        f"install the extra with `pip install 'segcourse[{extra}]'`"
        f"{_HINTS.get(extra, '')}",
        name=package, extra=extra)
