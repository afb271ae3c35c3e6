"""Learner copies of the notebooks: solutions replaced by stubs, edits never lost.

The notebooks in ``notebooks/`` hold the solutions; learner copies are
generated from them (``make student``, or ``python -m segcourse.student
notebooks student``), never maintained by hand.

In a cell tagged ``solution``, each block between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` becomes a stub:

- inside a function (an indented block), ``raise NotImplementedError(...)``,
  which the exercise checkers report as "not answered yet";
- at the top level, ``name = ...`` for every name the block assigns, which the
  checkers also recognise;
- a solution cell without markers becomes a ``# your code here`` comment.

A learner copy that was changed since it was written is never overwritten:
the command leaves it alone and says so. It knows what it wrote from a
manifest (``.segcourse-student.json`` in the output folder) holding the
SHA-256 of every copy it wrote; a copy whose content no longer matches, or
that it did not write, belongs to the learner.

When the course notebook behind such a kept copy has changed since the copy
was written (a new version of the course), the new version is written beside
it as ``NAME.updated.ipynb``, so that the learner can compare the two and
carry their work over; their own copy is still left alone. That side copy is
managed like any other: rewritten while untouched, kept once changed.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["make_stub", "student_notebook", "write_student_copies", "WriteReport",
           "MANIFEST_NAME"]

MANIFEST_NAME = ".segcourse-student.json"
UPDATED_SUFFIX = ".updated.ipynb"
BEGIN = re.compile(r"^(?P<indent>\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
STUB_MESSAGE = "Exercise: replace this line with your code"


def _assigned_names(block: str) -> list[str]:
    """Names assigned at the top level of ``block`` (in order), or [] if it does not parse."""
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def _stub_block(lines: list[str], indent: str) -> list[str]:
    if indent:
        return [f'{indent}raise NotImplementedError("{STUB_MESSAGE}")']
    names = _assigned_names("\n".join(lines))
    if names:
        return [f"{name} = ...  # your code here" for name in names]
    return ["# your code here"]


def make_stub(source: str) -> str:
    """The learner version of a solution cell's source.

    Examples
    --------
    >>> print(make_stub('''def area(mask):
    ...     ### BEGIN SOLUTION
    ...     return mask.sum()
    ...     ### END SOLUTION'''))
    def area(mask):
        raise NotImplementedError("Exercise: replace this line with your code")
    >>> print(make_stub('''### BEGIN SOLUTION
    ... fraction = mask.mean()
    ... ### END SOLUTION'''))
    fraction = ...  # your code here
    """
    lines = source.splitlines()
    if not any(BEGIN.match(line) for line in lines):
        if any(END.match(line) for line in lines):
            raise ValueError("Expected matched BEGIN/END SOLUTION markers, but got a stray "
                             "END SOLUTION marker.")
        return "# your code here"
    out, block, indent, inside = [], [], "", False
    for number, line in enumerate(lines, start=1):
        begin = BEGIN.match(line)
        if begin and not inside:
            inside, indent, block = True, begin.group("indent"), []
        elif END.match(line) and inside:
            out.extend(_stub_block([b[len(indent):] for b in block], indent))
            inside = False
        elif begin or END.match(line):
            raise ValueError(f"Expected matched BEGIN/END SOLUTION markers, but got a stray "
                             f"marker on line {number}.")
        elif inside:
            block.append(line)
        else:
            out.append(line)
    if inside:
        raise ValueError("Expected an END SOLUTION marker after BEGIN SOLUTION, but got none.")
    return "\n".join(out)


def student_notebook(notebook: dict) -> dict:
    """A learner copy of a notebook (a dict in nbformat 4): solutions become stubs."""
    result = copy.deepcopy(notebook)
    for cell in result.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "solution" in tags:
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            cell["source"] = make_stub(source)
            cell["metadata"]["tags"] = [t for t in tags
                                        if t not in ("solution", "hide-input")] + ["exercise"]
            cell["metadata"].pop("mystnb", None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return result


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _render(notebook: dict) -> bytes:
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp creates the file readable by its owner only; give it the usual mode
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@dataclass
class WriteReport:
    """What :func:`write_student_copies` did with each notebook."""

    written: list
    unchanged: list
    kept: list  # learner copies left alone because the learner changed them
    # kept copies whose course notebook changed since: (copy, side-by-side new version)
    outdated: list = dataclasses.field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"wrote {p}" for p in self.written]
        out += [f"up to date {p}" for p in self.unchanged]
        newer = dict(self.outdated)
        for path in self.kept:
            if path in newer:
                out.append(f"kept {path}: you changed it, so it was left alone; the course "
                           f"notebook has changed since it was written, and the new version "
                           f"is beside it in {newer[path]} (compare the two and carry your "
                           f"work over)")
            else:
                out.append(f"kept {path}: you changed it since it was written, so it was "
                           f"left alone (delete or rename it to get a fresh copy)")
        return out


def _write_unless_changed(target: Path, fresh: bytes, manifest: dict) -> str:
    """Write ``fresh`` to ``target`` unless the learner changed it; what happened."""
    if target.exists():
        current = _digest(target.read_bytes())
        if current == _digest(fresh):
            manifest[target.name] = current
            return "unchanged"
        if current != manifest.get(target.name):
            return "kept"
    _atomic_write(target, fresh)
    manifest[target.name] = _digest(fresh)
    return "written"


def write_student_copies(source_dir, output_dir) -> WriteReport:
    """Write a learner copy of every notebook of ``source_dir`` into ``output_dir``.

    A copy is (re)written only when it does not exist yet, or when it is
    exactly what this function wrote last time (so the learner has not
    touched it). Any other existing file is kept as it is.
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    if not source_dir.is_dir():
        raise ValueError(f"Expected argument `source_dir` to be a folder of notebooks, but got "
                         f"{str(source_dir)!r}.")
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"Expected argument `source_dir` to hold .ipynb files, but got none "
                         f"in {str(source_dir)!r}.")
    output_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = output_dir / MANIFEST_NAME
    manifest = {}
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            # without a readable manifest every existing copy counts as the learner's
            manifest = {}
        if not isinstance(manifest, dict):
            manifest = {}
    report = WriteReport([], [], [])
    for source in notebooks:
        target = output_dir / source.name
        fresh = _render(student_notebook(json.loads(source.read_text(encoding="utf-8"))))
        outcome = _write_unless_changed(target, fresh, manifest)
        if outcome != "kept":
            getattr(report, outcome).append(target)
            continue
        report.kept.append(target)
        if manifest.get(source.name) not in (None, _digest(fresh)):
            # the learner's copy came from an older course notebook
            side = output_dir / (source.stem + UPDATED_SUFFIX)
            if _write_unless_changed(side, fresh, manifest) == "kept":
                report.kept.append(side)
            else:
                report.outdated.append((target, side))
    _atomic_write(manifest_path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n")
                  .encode("utf-8"))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segcourse.student",
        description="Write learner copies of the notebooks (solutions replaced by stubs). "
                    "Copies you have changed are never overwritten.")
    parser.add_argument("source", nargs="?", default="notebooks", help="folder of notebooks")
    parser.add_argument("output", nargs="?", default="student", help="folder for the copies")
    args = parser.parse_args(argv)
    try:
        report = write_student_copies(args.source, args.output)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
