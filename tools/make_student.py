"""Write student copies of the notebooks, with every solution replaced by a stub.

    python tools/make_student.py notebooks student

In a cell tagged ``solution``, the lines between ``# BEGIN SOLUTION`` and
``# END SOLUTION`` are replaced by the lines of any ``# STUB: ...`` comments
inside that block (for a value the student fills in, e.g.
``# STUB: prediction = None``), or else by
``raise NotImplementedError("Exercise: ...")`` at the same indentation (for a
function body). Outputs are cleared, so the student runs everything fresh, and
the copy carries no execution timestamps, no widget state and no metadata but
the kernelspec: re-publishing unchanged notebooks gives byte-identical files,
so a class that pulls updates (nbgitpuller) sees no change where there is none.
Later cells still run in a student copy: they use ``helpers``, not the
student's answer, and the checkers report an unfinished exercise as "to do".
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbsource import normalise, write  # noqa: E402

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
STUB = re.compile(r"^\s*# STUB: ?(?P<code>.*)$")


def strip_solution(source: str) -> str:
    """Replace every BEGIN/END SOLUTION block of ``source`` with its stub."""
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.splitlines():
        if block is None:
            m = BEGIN.match(line)
            if m:
                block, indent = [], m.group("indent")
            else:
                out.append(line)
            continue
        if END.match(line):
            stubs = [STUB.match(b).group("code") for b in block if STUB.match(b)]
            out.append(f"{indent}# YOUR CODE HERE")
            if stubs:
                out.extend(indent + s for s in stubs)
            else:
                out.append(f'{indent}raise NotImplementedError("Exercise: replace this line with your code")')
            block = None
            continue
        block.append(line)
    if block is not None:
        raise ValueError("a '# BEGIN SOLUTION' has no matching '# END SOLUTION'")
    return "\n".join(out)


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with solutions stubbed, outputs cleared and metadata normalised."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            cell.source = strip_solution(cell.source)
            cell.metadata["tags"] = [t for t in tags if t != "solution"] + ["exercise"]
            cell.metadata.pop("jupyter", None)
        cell.outputs = []
        cell.execution_count = None
    return normalise(nb)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__)
        return 2
    src, dst = Path(argv[0]), Path(argv[1])
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.ipynb")):
        nb = student_copy(nbformat.read(path, as_version=4))
        changed = write(nb, dst / path.name)
        print(f"{dst / path.name}: {'written' if changed else 'unchanged'}")
    for path in sorted(src.glob("course.py")):  # what the notebooks' `import course` finds helpers/ with
        text = path.read_text(encoding="utf-8")
        target = dst / path.name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"{target}: written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
