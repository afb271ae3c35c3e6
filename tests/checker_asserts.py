"""What the checker tests of every chapter assert about a verdict, and the learner's stub."""

from __future__ import annotations

from segcourse.student import make_stub


def assert_hint(result, start):
    """A wrong, answered verdict whose message starts with ``start``."""
    assert not result and result.correct is False
    assert result.answered, result.message
    assert result.message.startswith(start), result.message
    assert repr(result) == f"Not yet. Hint: {result.message}"


def assert_right(result):
    assert result and result.correct and result.answered, result.message


def assert_not_answered(result, start):
    assert not result and result.answered is False
    assert result.message.startswith(start), result.message
    assert repr(result).startswith("Not answered yet: ")


def learner_stub(name, signature):
    """The function a learner copy holds: made by segcourse.student, as in the notebooks."""
    source = make_stub(f"def {signature}:\n    ### BEGIN SOLUTION\n    return 1\n"
                       "    ### END SOLUTION")
    namespace = {}
    exec(source, namespace)  # noqa: S102 - the stub of a learner copy
    return namespace[name]
