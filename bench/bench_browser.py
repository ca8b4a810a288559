"""Live views in JupyterLab in headless Chromium: key press to repaint, and the kernel's memory.

For every notebook: open it in JupyterLab (127.0.0.1, token auth, on a
temporary copy), run all cells, then

- ``browser_kernel_rss_<notebook>``: resident memory of the kernel process
  after all cells ran and its live views were moved, the larger of the two
  readings (MB; target <= 250 MB); ``peak_mb`` is the kernel's peak resident
  memory while the cells ran (Linux ``VmHWM``), which is what a JupyterHub
  memory limit must allow for each student's kernel;
- ``browser_repaint_<notebook>_<n>_ratio<r>``: for live view n on a screen of
  device pixel ratio r (2, as on most laptops, then 1), median and worst time
  from an arrow-key press on a slider to the new picture being painted (ms;
  target median <= 60 ms). Measured in the page: ``performance.now()`` at the
  keydown, then a MutationObserver on the image's ``src``, ``img.decode()`` and
  the next animation frame. Every slider is pressed several times.

Without Playwright or Chromium it yields one record saying it was skipped.
Run on its own (``python bench/bench_browser.py``) it prints the JSON lines,
then a short table.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from timing import record

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import browser_support as bs  # noqa: E402

PRESSES = 6  # per slider
PIXEL_RATIOS = (2, 1)  # device pixels per CSS pixel of the page: the target is met at 2
RSS_TARGET_MB = 250
MEDIAN_TARGET_MS = 60


def _notebook(server, context, nb: Path, ratio: int = 2):
    stem = nb.stem
    page = context.new_page()
    try:
        bs.open_notebook(page, server, nb.name)
        run = bs.run_all_cells(page, server, nb.name)
        first = ratio == PIXEL_RATIOS[0]  # the kernel's memory is reported once, from the first pixel ratio's run
        rss = bs.kernel_rss_mb(server, run.kernel_id) if first else None
        problems = [f"cell {i}: {t[:200]}" for i, t in run.problems]
        probes = bs.probe_live_views(page, nb.name, presses=PRESSES, screenshot_dir=None, toggles=False)
        if first and rss is None:
            yield {"bench": f"browser_kernel_rss_{stem}", "value": None, "unit": "MB",
                   "error": "kernel process not found among the server's children"}
        elif first:
            rss_after = bs.kernel_rss_mb(server, run.kernel_id)
            peak = bs.kernel_peak_rss_mb(server, run.kernel_id)
            settled = max(rss, rss_after or 0.0)
            yield record(f"browser_kernel_rss_{stem}", settled, unit="MB", target=f"<= {RSS_TARGET_MB} MB",
                         ok=settled <= RSS_TARGET_MB, after_run_all_mb=round(rss, 1),
                         after_live_views_mb=round(rss_after, 1) if rss_after else None,
                         peak_mb=round(peak, 1) if peak else None,
                         run_all_s=round(run.seconds, 2), code_cells=run.code_cells,
                         **({"problems": problems} if problems else {}))
        for probe in probes:
            name = f"browser_repaint_{stem}_{probe.index}_ratio{ratio}"
            times = probe.times_ms
            if not times:
                yield {"bench": name, "value": None, "unit": "ms",
                       "error": "; ".join(probe.problems) or "no slider in this live view"}
                continue
            extra = {"problems": probe.problems} if probe.problems else {}
            sharp = probe.sharpness or {}
            yield record(name, statistics.median(times), worst=round(max(times), 1), presses=len(times),
                         pixel_ratio=ratio, picture_px_per_css_px=round(sharp["drawn"], 3) if sharp else None,
                         ok=statistics.median(times) <= MEDIAN_TARGET_MS,
                         sliders=[s.label for s in probe.sliders], target=f"median <= {MEDIAN_TARGET_MS} ms",
                         **extra)
    except AssertionError as e:  # the notebook did not open or run: say so and go on
        yield {"bench": f"browser_{stem}", "value": None, "error": str(e)[:500]}
    finally:
        page.close()
        server.shutdown_sessions()


def run():
    reason = bs.missing_browser_reason()
    notebooks = bs.notebooks()
    if reason or not notebooks:
        yield {"bench": "browser", "value": None, "skipped": reason or f"no notebook in {bs.NOTEBOOK_DIR}"}
        return
    from playwright.sync_api import sync_playwright

    with bs.LabServer(bs.NOTEBOOK_DIR) as server, sync_playwright() as pw:
        browser = bs.launch_browser(pw)
        try:
            for ratio in PIXEL_RATIOS:  # a high-density screen (the target), then a plain one, as a reference
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=ratio)
                for nb in notebooks:
                    yield from _notebook(server, context, nb, ratio)
                context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    import json

    rows = []
    for rec in run():
        print(json.dumps(rec), flush=True)
        rows.append(rec)
    print()
    for rec in rows:
        value = "-" if rec.get("value") is None else f"{rec['value']:.1f} {rec.get('unit', '')}"
        worst = f"  worst {rec['worst']:.1f} ms" if "worst" in rec else ""
        worst += f"  peak {rec['peak_mb']:.0f} MB" if rec.get("peak_mb") else ""
        flag = {True: "  ok", False: "  OVER TARGET"}.get(rec.get("ok"), "")
        print(f"{rec['bench']:<38} {value:>10}{worst}{flag}{'  ' + rec['error'] if 'error' in rec else ''}")
