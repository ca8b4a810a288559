"""Student copies: solutions removed, still executable from top to bottom."""

from __future__ import annotations

import shutil
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build_notebooks  # noqa: E402
import make_student  # noqa: E402
from make_student import strip_solution, student_copy  # noqa: E402
from nbsource import dumps, normalise  # noqa: E402

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_strip_solution_function_body_becomes_not_implemented():
    src = "def f(x):\n    # BEGIN SOLUTION\n    return x + 1\n    # END SOLUTION\n"
    out = strip_solution(src)
    assert "return x + 1" not in out
    assert '    raise NotImplementedError("Exercise' in out
    ns = {}
    exec(out, ns)
    with pytest.raises(NotImplementedError):
        ns["f"](1)


def test_strip_solution_uses_stub_lines():
    src = "# BEGIN SOLUTION\n# STUB: answer = None\nanswer = 42\n# END SOLUTION\nprint(answer)"
    out = strip_solution(src)
    assert "42" not in out and "answer = None" in out and out.endswith("print(answer)")


def test_strip_solution_rejects_unclosed_block():
    with pytest.raises(ValueError, match="END SOLUTION"):
        strip_solution("# BEGIN SOLUTION\nx = 1\n")


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_student_copy_has_no_solutions_and_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    student = student_copy(nb)
    for cell in student.cells:
        assert "BEGIN SOLUTION" not in cell.source
        assert not cell.get("outputs")
    if not solutions:
        pytest.skip(f"{path.name} has no exercises")
    # The solution lines themselves are gone from the student copy.
    for cell in solutions:
        body = cell.source.split("# BEGIN SOLUTION")[1].split("# END SOLUTION")[0]
        hidden = [ln.strip() for ln in body.splitlines() if ln.strip() and "STUB:" not in ln]
        text = "\n".join(c.source for c in student.cells)
        assert not any(ln in text for ln in hidden if len(ln) > 12), f"{path.name}: a solution line leaked"
    shutil.copy(NOTEBOOKS / "course.py", tmp_path)
    NotebookClient(student, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for c in student.cells for o in c.get("outputs", []))
    assert "TO DO" in printed, f"{path.name}: the checkers should report the unfinished exercises"


def _publish(src, dst) -> dict:
    assert make_student.main([str(src), str(dst)]) == 0
    return {p.name: p.read_bytes() for p in sorted(dst.glob("*.ipynb"))}


def test_student_copies_are_byte_identical_across_republishes_and_rebuilds(tmp_path, capsys):
    """`make student` twice, and again after rebuilding notebook 00 from its source: the same bytes."""
    first = _publish(NOTEBOOKS, tmp_path / "student")
    again = _publish(NOTEBOOKS, tmp_path / "student")
    assert first == again and len(first) == len(NOTEBOOK_FILES)
    assert capsys.readouterr().out.count("unchanged") == len(NOTEBOOK_FILES)
    rebuilt = tmp_path / "notebooks"
    rebuilt.mkdir()
    for path in NOTEBOOK_FILES:
        (rebuilt / path.name).write_bytes(path.read_bytes())
    src = NOTEBOOKS / "src" / "00_start_here.py"
    (rebuilt / "00_start_here.ipynb").write_text(dumps(normalise(build_notebooks.execute(build_notebooks.build(src)))))
    assert _publish(rebuilt, tmp_path / "student-after-rebuild") == first


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_student_copy_carries_no_outputs_timestamps_or_widget_state(path):
    text = dumps(student_copy(nbformat.read(path, as_version=4)))
    nb = nbformat.reads(text, as_version=4)
    assert set(nb.metadata) == {"kernelspec", "language_info"}, f"{path.name}: {sorted(nb.metadata)}"
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags", "jupyter"}, f"{path.name}: {cell.id} {dict(cell.metadata)}"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "application/vnd.jupyter.widget" not in text and "iopub" not in text


#: Run first in a kernel, so that the project counts as not installed there (as on a bare hub image).
HIDE_INSTALL = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.path[:] = [p for p in sys.path if not (p and __import__("os").path.isdir(__import__("os").path.join(p, "helpers")))]
for name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
    del sys.modules[name]
import importlib.util
assert importlib.util.find_spec("helpers") is None, "the project still looks installed"
"""


def _run_in(folder, nb):
    nb.cells.insert(0, nbformat.v4.new_code_cell(HIDE_INSTALL))
    nb.cells.append(nbformat.v4.new_code_cell("import course; print('helpers from', course.found)"))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_hub_layout_student_notebooks_next_to_helpers_run_without_installing(tmp_path):
    """The README's hub layout: the student copies as notebooks/ next to helpers/, the project not installed."""
    hub = tmp_path / "course"
    assert make_student.main([str(NOTEBOOKS), str(hub / "notebooks")]) == 0
    assert (hub / "notebooks" / "course.py").exists()
    shutil.copytree(ROOT / "helpers", hub / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    nb = nbformat.read(hub / "notebooks" / "01_equivariance.ipynb", as_version=4)
    printed = _run_in(hub / "notebooks", nb)
    assert f"helpers from {hub}" in printed and "TO DO" in printed


def test_without_helpers_anywhere_the_first_cell_says_what_to_do(tmp_path):
    folder = tmp_path / "alone"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "course.py", folder)
    nb = nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    with pytest.raises(Exception) as err:
        _run_in(folder, nb)
    text = str(err.value)
    assert "ModuleNotFoundError" in text and "neither installed nor in" in text and "pip install -e ." in text
    assert "import course" in text  # it is the notebook's first code cell that stops, with that message


def test_course_finds_the_nearest_helpers_folder(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_under_test", NOTEBOOKS / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)  # here the project is installed: nothing to do
    assert course.found == "installed"
    (tmp_path / "a" / "helpers").mkdir(parents=True)
    (tmp_path / "a" / "helpers" / "__init__.py").write_text("")
    (tmp_path / "a" / "notebooks" / "deep").mkdir(parents=True)
    assert course.find_helpers(tmp_path / "a" / "notebooks" / "deep") == tmp_path / "a"
    assert course.find_helpers(tmp_path) is None
