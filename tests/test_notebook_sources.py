"""Notebook sources and committed notebooks: in step, canonical, executed, stable.

- every committed notebook matches its jupytext source, cell for cell, and is
  normalised (no timestamps, widget state or widget ids);
- every source is in jupytext's canonical percent format, so ``jupytext --to
  py:percent`` of the committed notebook gives the source back byte for byte;
- a malformed source is an error naming its line, never a silent merge;
- rebuilding an unchanged source leaves the committed file byte-identical;
- the build tool does not replace an executed notebook with an unexecuted one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build_notebooks  # noqa: E402
from nbsource import SourceError, check_markers, dumps, normalise, read_source, to_source  # noqa: E402

SOURCES = sorted((NOTEBOOKS / "src").glob("*.py"))
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_every_notebook_has_a_source_and_back():
    assert [p.stem for p in SOURCES] == [p.stem for p in NOTEBOOK_FILES]
    assert NOTEBOOK_FILES[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_committed_notebook_matches_its_source_and_is_normalised(src):
    problems = build_notebooks.differences(src, NOTEBOOKS / f"{src.stem}.ipynb")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_source_is_canonical_jupytext(src):
    """What jupytext writes for the committed notebook is the source, byte for byte."""
    committed = nbformat.read(NOTEBOOKS / f"{src.stem}.ipynb", as_version=4)
    assert to_source(committed) == src.read_text(encoding="utf-8"), (
        f"{src.name} is not in jupytext's canonical form: run `jupytext --to py:percent "
        f"notebooks/{src.stem}.ipynb -o {src.relative_to(ROOT)}` after rebuilding, or fix the blank lines")


def test_jupytext_cli_round_trip(tmp_path):
    """The documented command gives the source back (the pairing in pyproject.toml is what it reads)."""
    jupytext = shutil.which("jupytext", path=str(ROOT / ".venv" / "bin")) or shutil.which("jupytext")
    if jupytext is None:
        pytest.skip("the jupytext command is not on PATH")
    src = SOURCES[0]
    out = tmp_path / src.name
    subprocess.run([jupytext, "--quiet", "--to", "py:percent", "-o", str(out), str(NOTEBOOKS / f"{src.stem}.ipynb")],
                   check=True, cwd=ROOT)
    assert out.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebook_is_executed_in_order_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: re-execute it top to bottom"
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{path.name}: cell {i} has an error output"
            assert out.get("name") != "stderr", f"{path.name}: cell {i} writes to stderr"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_headings_in_order_and_one_title(path):
    nb = nbformat.read(path, as_version=4)
    levels = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            in_code = False
            for line in cell.source.splitlines():
                if line.startswith("```"):
                    in_code = not in_code
                if not in_code and line.startswith("#"):
                    levels.append(len(line) - len(line.lstrip("#")))
    assert levels and levels[0] == 1 and levels.count(1) == 1, f"{path.name}: exactly one '#' title, first"
    for a, b in zip(levels, levels[1:]):
        assert b <= a + 1, f"{path.name}: heading level jumps from {a} to {b}"


GOOD = '# %% [markdown]\n# # Title\n#\n# Prose.\n\n# %%\nx = 1\n\n# %% tags=["solution"]\ny = 2\n'


def test_a_well_formed_source_reads_into_its_cells(tmp_path):
    path = tmp_path / "99_good.py"
    path.write_text(GOOD)
    nb = read_source(path)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Title\n\nProse."), ("code", "x = 1"), ("code", "y = 2")]
    assert nb.cells[2].metadata["tags"] == ["solution"]


@pytest.mark.parametrize("bad, line, words", [
    ("# %% [md]\n# prose\n", 1, "malformed cell marker"),
    ("# %%\nx = 1\n# %% Exercise 1\ny = 2\n", 3, "malformed cell marker"),
    ("# %%\nx = 1\n#%%\ny = 2\n", 3, "malformed cell marker"),
    ("# %%\nx = 1\n# %%[markdown]\n# prose\n", 3, "malformed cell marker"),
    ("# %% tags=[solution]\nx = 1\n", 1, "tags are not a JSON list"),
    ("# %% tags=[1]\nx = 1\n", 1, "tags must be strings"),
    ("# %% [markdown]\n# prose\nno hash here\n", 3, "markdown line does not start"),
    ("x = 1\n# %%\ny = 2\n", 1, "text before the first"),
])
def test_a_malformed_source_is_an_error_naming_the_line(bad, line, words):
    with pytest.raises(SourceError, match=rf"99_bad.py, line {line}: {words}"):
        check_markers(bad, "99_bad.py")


#: PNG data in a notebook's text (a figure's output, or a live view's picture inside its HTML).
PNG_DATA = re.compile(r'("image/png": ")[A-Za-z0-9+/=\\n]+(")|(data:image/png;base64,)[A-Za-z0-9+/=]+')


def _without_pictures(text: str) -> str:
    return PNG_DATA.sub(lambda m: (m.group(1) or m.group(3)) + "PNG" + (m.group(2) or ""), text)


def test_rebuilding_an_unchanged_source_gives_the_committed_bytes(tmp_path):
    """Build and execute notebook 00 from its source; the result is byte-identical to the committed file.

    Pixels depend on the matplotlib and FreeType versions: where the
    environment is not the one the notebooks are committed from (the
    oldest/newest dependency sessions set ``NOTEBOOK_PIXELS_MAY_DIFFER``),
    everything but the PNG data must still be identical.
    """
    src = SOURCES[0]
    built = dumps(normalise(build_notebooks.execute(build_notebooks.build(src))))
    committed = (NOTEBOOKS / f"{src.stem}.ipynb").read_text(encoding="utf-8")
    if os.environ.get("NOTEBOOK_PIXELS_MAY_DIFFER"):
        built, committed = _without_pictures(built), _without_pictures(committed)
    assert built == committed, (
        f"{src.stem}: rebuilding the unchanged source changed the notebook; something in it is not deterministic")


def test_picture_mask_hides_png_data_only():
    text = '"image/png": "iVBORw0K\\nGgo=",\n "text/html": "<img src=\\"data:image/png;base64,iVBOR=\\" alt=\\"x\\">"'
    masked = _without_pictures(text)
    assert masked == '"image/png": "PNG",\n "text/html": "<img src=\\"data:image/png;base64,PNG\\" alt=\\"x\\">"'


def test_normalise_drops_timestamps_widget_state_and_widget_ids():
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
                        "language_info": {"name": "python", "version": "3.11.7"}, "jupytext": {}})
    cell = nbformat.v4.new_code_cell("view")
    cell.metadata.update({"execution": {"iopub.execute_input": "2026-01-01T00:00:00"}, "tags": ["t"]})
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "0123abcd", "version_major": 2},
        "text/html": "<figure></figure>", "text/plain": "view"})]
    nb.cells.append(cell)
    out = normalise(nb)
    assert set(out.metadata) == {"kernelspec", "language_info"} and "version" not in out.metadata.language_info
    assert dict(out.cells[0].metadata) == {"tags": ["t"]}
    assert set(out.cells[0].outputs[0].data) == {"text/html", "text/plain"}
    bare = nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {}})
    nb.cells[0].outputs = [bare]
    with pytest.raises(ValueError, match="no static fallback"):
        normalise(nb)


def test_normalise_joins_a_stream_the_kernel_sent_in_pieces():
    """How ipykernel cuts printed text into messages depends on timing; the committed file must not."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="largest error:"),
                    nbformat.v4.new_output("stream", name="stdout", text=" 0.0\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="next\n")]
    nb.cells.append(cell)
    outs = normalise(nb).cells[0].outputs
    assert [(o.name, o.text) for o in outs] == [("stdout", "largest error: 0.0\n"), ("stderr", "warning\n"),
                                                ("stdout", "next\n")]


def test_build_tool_refuses_to_replace_an_executed_notebook_with_an_unexecuted_one(tmp_path, monkeypatch, capsys):
    (tmp_path / "src").mkdir()
    shutil.copy(SOURCES[0], tmp_path / "src" / SOURCES[0].name)
    target = tmp_path / f"{SOURCES[0].stem}.ipynb"
    shutil.copy(NOTEBOOKS / target.name, target)
    before = target.read_bytes()
    monkeypatch.setattr(build_notebooks, "NBDIR", tmp_path)
    assert build_notebooks.main(["--no-execute", "00"]) == 1
    assert "has outputs" in capsys.readouterr().err and target.read_bytes() == before
    assert build_notebooks.main(["--no-execute", "--overwrite-outputs", "00"]) == 0
    assert not build_notebooks.has_outputs(target)
    assert build_notebooks.main(["--check", "00"]) == 0  # inputs still match


def test_check_names_a_notebook_out_of_step_with_its_source(tmp_path, monkeypatch, capsys):
    (tmp_path / "src").mkdir()
    src = tmp_path / "src" / SOURCES[0].name
    src.write_text(SOURCES[0].read_text(encoding="utf-8").replace("Start here", "Begin here", 1))
    shutil.copy(NOTEBOOKS / f"{SOURCES[0].stem}.ipynb", tmp_path)
    monkeypatch.setattr(build_notebooks, "NBDIR", tmp_path)
    assert build_notebooks.main(["--check"]) == 1
    assert "cell 0 (00-000) differs" in capsys.readouterr().err


def test_pre_commit_hooks_run_the_project_tools_and_pass_on_the_committed_notebooks():
    """Each local hook in .pre-commit-config.yaml runs, with this interpreter, and passes on main as committed."""
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert {h["id"] for h in hooks} == {"ruff", "notebook-clean", "notebook-sync"}
    for hook in hooks:
        entry = hook["entry"].split()
        assert entry[0] == ".venv/bin/python", hook["id"]
        files = [] if hook.get("pass_filenames") is False else [str(p) for p in NOTEBOOK_FILES]
        if hook["id"] == "ruff":
            files = ["tools", "notebooks/src"]
        done = subprocess.run([sys.executable, *entry[1:], *files], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, (hook["id"], done.stdout, done.stderr)
        assert "normalised" not in done.stdout, (hook["id"], done.stdout)
