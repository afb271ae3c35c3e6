"""Learner copies: stubs instead of solutions, and a learner's edits are never lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from segcourse.student import (
    MANIFEST_NAME,
    main,
    make_stub,
    student_notebook,
    write_student_copies,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_stub_inside_a_function_raises_not_implemented():
    source = ("def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
              "    ### END SOLUTION\n")
    stub = make_stub(source)
    assert stub == 'def f(x):\n    raise NotImplementedError("Exercise: replace this line ' \
                   'with your code")'
    namespace = {}
    exec(stub, namespace)  # noqa: S102 - the stub must be valid Python
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


def test_stub_at_top_level_leaves_each_assigned_name_as_ellipsis():
    source = "x = 1\n### BEGIN SOLUTION\na = x + 1\nb, c = a, a\na += 1\n### END SOLUTION\nd = 2"
    stub = make_stub(source)
    namespace = {}
    exec(stub, namespace)  # noqa: S102
    assert namespace["a"] is ... and namespace["b"] is ... and namespace["c"] is ...
    assert namespace["x"] == 1 and namespace["d"] == 2
    assert "x + 1" not in stub


def test_stub_without_markers_and_stray_markers():
    assert make_stub("print('answer')") == "# your code here"
    with pytest.raises(ValueError, match="END SOLUTION"):
        make_stub("### BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(ValueError, match="stray"):
        make_stub("x = 1\n### END SOLUTION\n")


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return json.loads(nbformat.writes(notebook))


def test_student_notebook_replaces_only_solution_cells():
    solution = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION")
    solution.metadata["tags"] = ["solution", "hide-input"]
    solution.metadata["mystnb"] = {"code_prompt_show": "Show solution"}
    other = nbformat.v4.new_code_cell("print(1)")
    other.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    notebook = _notebook(nbformat.v4.new_markdown_cell("# Title"), solution, other)
    copy = student_notebook(notebook)
    assert copy["cells"][1]["source"] == "answer = ...  # your code here"
    assert copy["cells"][1]["metadata"]["tags"] == ["exercise"]
    assert "mystnb" not in copy["cells"][1]["metadata"]
    assert "".join(copy["cells"][2]["source"]) == "print(1)" and copy["cells"][2]["outputs"] == []
    assert "".join(notebook["cells"][1]["source"]).startswith("### BEGIN")  # input untouched


@pytest.fixture
def course(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    cell = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION")
    cell.metadata["tags"] = ["solution"]
    for name in ("01_a.ipynb", "02_b.ipynb"):
        (source / name).write_text(json.dumps(_notebook(cell)))
    return source, tmp_path / "student"


def test_running_twice_keeps_a_learners_edit(course):
    source, output = course
    first = write_student_copies(source, output)
    assert [p.name for p in first.written] == ["01_a.ipynb", "02_b.ipynb"]
    assert (output / MANIFEST_NAME).is_file()

    edited = output / "01_a.ipynb"
    notebook = json.loads(edited.read_text())
    notebook["cells"][0]["source"] = "answer = 6 * 7  # my work"
    edited.write_text(json.dumps(notebook))
    learner_bytes = edited.read_bytes()

    second = write_student_copies(source, output)
    assert [p.name for p in second.kept] == ["01_a.ipynb"]
    assert [p.name for p in second.unchanged] == ["02_b.ipynb"]
    assert edited.read_bytes() == learner_bytes
    assert any("kept" in line and "left alone" in line for line in second.lines())

    # the solutions change: untouched copies follow, the edited one still stays
    for path in source.glob("*.ipynb"):
        notebook = json.loads(path.read_text())
        notebook["cells"].append(nbformat.v4.new_markdown_cell("New text"))
        path.write_text(json.dumps(notebook))
    third = write_student_copies(source, output)
    assert [p.name for p in third.written] == ["02_b.ipynb"]
    assert edited.read_bytes() == learner_bytes
    assert "New text" in (output / "02_b.ipynb").read_text()


def test_a_new_course_version_goes_beside_an_edited_copy(course):
    source, output = course
    write_student_copies(source, output)
    edited = output / "01_a.ipynb"
    edited.write_text(edited.read_text().replace("answer = ...", "answer = 6 * 7"))
    learner_bytes = edited.read_bytes()
    side = output / "01_a.updated.ipynb"

    # the course is unchanged: no side copy, only "kept"
    report = write_student_copies(source, output)
    assert report.outdated == [] and not side.exists()

    # a new version of the course: written beside the learner's copy, and said so
    path = source / "01_a.ipynb"
    notebook = json.loads(path.read_text())
    notebook["cells"].append(nbformat.v4.new_markdown_cell("New section"))
    path.write_text(json.dumps(notebook))
    report = write_student_copies(source, output)
    assert report.outdated == [(edited, side)]
    assert edited.read_bytes() == learner_bytes
    assert "New section" in side.read_text() and "answer = ..." in side.read_text()
    message = "\n".join(report.lines())
    assert "course notebook has changed" in message and "01_a.updated.ipynb" in message

    # run again: still said, side copy unchanged; once the learner edits it, it is kept too
    again = write_student_copies(source, output)
    assert again.outdated == [(edited, side)] and again.written == []
    side.write_text(side.read_text().replace("answer = ...", "answer = 42"))
    side_bytes = side.read_bytes()
    notebook["cells"].append(nbformat.v4.new_markdown_cell("Another section"))
    path.write_text(json.dumps(notebook))
    last = write_student_copies(source, output)
    assert side in last.kept and side.read_bytes() == side_bytes
    assert edited.read_bytes() == learner_bytes


def test_a_deleted_copy_is_written_again_and_a_foreign_file_is_kept(course):
    source, output = course
    output.mkdir()
    (output / "02_b.ipynb").write_text("a learner's own file")
    report = write_student_copies(source, output)
    assert [p.name for p in report.kept] == ["02_b.ipynb"]
    assert (output / "02_b.ipynb").read_text() == "a learner's own file"
    (output / "01_a.ipynb").unlink()
    assert [p.name for p in write_student_copies(source, output).written] == ["01_a.ipynb"]


def test_bad_folders_are_reported(tmp_path, capsys):
    with pytest.raises(ValueError, match="`source_dir`"):
        write_student_copies(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="`source_dir`"):
        write_student_copies(tmp_path / "empty", tmp_path / "out")
    assert main([str(tmp_path / "missing"), str(tmp_path / "out")]) == 2
    assert "error" in capsys.readouterr().err


def test_command_line(course):
    source, output = course
    result = subprocess.run([sys.executable, "-m", "segcourse.student", str(source),
                             str(output)], capture_output=True, text=True, check=True)
    assert "wrote" in result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_cell_has_markers_and_a_checker_after_it(path):
    cells = json.loads(path.read_text())["cells"]
    solutions = [i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", [])]
    assert solutions, f"{path.name} has no exercise"
    for index in solutions:
        source = "".join(cells[index]["source"])
        assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
        checker = "".join(cells[index + 1]["source"])
        assert "exercises.check_" in checker, f"no checker after cell {index} of {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_learner_copy_runs_up_to_its_first_stub_and_checkers_say_not_answered(path):
    copy = nbformat.reads(json.dumps(student_notebook(json.loads(path.read_text()))),
                          as_version=4)
    first_stub = next(i for i, c in enumerate(copy.cells)
                      if "exercise" in c.metadata.get("tags", []))
    client = NotebookClient(copy, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for index, cell in enumerate(copy.cells[:first_stub + 2]):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"cell {index} of the learner copy of {path.name}: {errors[0].ename}"
    checker_output = json.dumps(copy.cells[first_stub + 1].outputs)
    assert "Not answered yet" in checker_output


def test_copies_get_the_usual_file_mode_and_a_corrupt_manifest_loses_nothing(course):
    source, output = course
    write_student_copies(source, output)
    umask = os.umask(0)
    os.umask(umask)
    assert (output / "01_a.ipynb").stat().st_mode & 0o777 == 0o666 & ~umask
    edited = output / "01_a.ipynb"
    edited.write_text(edited.read_text().replace("answer = ...", "answer = 42"))
    (output / MANIFEST_NAME).write_text("{not json")
    report = write_student_copies(source, output)
    assert [p.name for p in report.kept] == ["01_a.ipynb"]
    assert "answer = 42" in edited.read_text()
    assert [p.name for p in report.unchanged] == ["02_b.ipynb"]
