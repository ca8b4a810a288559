"""Student copies: solutions removed, still executable from top to bottom."""

from __future__ import annotations

import sys

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT
from nbclient import NotebookClient

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
