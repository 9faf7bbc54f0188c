"""Executes notebooks headless (nbclient) and checks what they produced.

    python ci/notebooks-run.py OUT_DIR NOTEBOOK.ipynb...     # run each, write executed copies to OUT_DIR
    python ci/notebooks-run.py --check-clean NOTEBOOK.ipynb... # fail if a notebook has outputs

A notebook fails when a cell raises (its own `assert`s included), when it wrote no plot, when a
plot it names ("plot written to PATH") is not a PNG file, or when it showed no progress line.
Run by ci/notebooks-check.sh with the PySpark venv's Python, whose ipykernel runs the cells
(--check-clean needs only the standard library).
"""
import json
import re
import sys
import time
from pathlib import Path

PLOT_LINE = re.compile(r"plot written to (\S+\.png)")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check_clean(paths):
    dirty = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            cells = json.load(f)["cells"]
        for cell in cells:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
                dirty.append(path)
                break
    for path in dirty:
        print("notebooks: %s is committed with outputs; clear them (Jupyter: Edit > Clear Outputs of "
              "All Cells, or `jupyter nbconvert --clear-output --inplace`)" % path, file=sys.stderr)
    return not dirty


def texts(nb):
    """All text a notebook's cells printed or displayed."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                yield output.text
            elif output.output_type in ("display_data", "execute_result"):
                yield output.get("data", {}).get("text/plain", "")


def run(out_dir, path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    problems = []
    try:
        client.execute()
    except CellExecutionError as e:
        problems.append("a cell failed:\n%s" % ANSI.sub("", str(e))[-3000:])
    seconds = time.monotonic() - start
    executed = out_dir / path.name
    nbformat.write(nb, executed)
    printed = "\n".join(texts(nb))
    plots = [Path(p) for p in PLOT_LINE.findall(printed)]
    if not problems:
        if not plots:
            problems.append("it wrote no plot")
        for plot in plots:
            if not plot.is_file() or plot.stat().st_size < 2000 or plot.read_bytes()[:8] != PNG_MAGIC:
                problems.append("%s is not a PNG plot" % plot)
        if "progress: " not in printed:
            problems.append("it showed no progress line")
    status = "FAILED" if problems else "ok"
    print("notebooks: %-32s %-6s %5.1f s, plots: %s (executed copy: %s)"
          % (path.name, status, seconds, ", ".join(p.name for p in plots) or "none", executed))
    for problem in problems:
        print("notebooks: %s: %s" % (path.name, problem), file=sys.stderr)
    return not problems


def main(argv):
    if argv and argv[0] == "--check-clean":
        return 0 if check_clean(argv[1:]) else 1
    import nbformat  # noqa: F401 (fail here, before any notebook, when it is missing)
    out_dir = Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    results = [run(out_dir, p) for p in argv[1:]]
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
