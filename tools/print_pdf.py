"""Print a report to an A4 PDF with headless Chromium: `make pdf` (reports/<name>.html → reports/<name>.pdf).

Two passes, so that the printed table of contents gives the page of every section (Chromium has no CSS
``target-counter``). Pass 1 prints a copy of the page; Chromium writes a named destination for every
element an internal link points to, so ``pdfinfo -dests`` gives the page of each section the contents
link to. Pass 2 prints a copy whose contents carry those numbers (``<span class="toc-page">``, shown
only in print by templates/report/report.css). Both copies live in a private temporary directory; the
published HTML is never changed (its Content-Security-Policy still holds: nothing is added but text).
The PDF is written under a temporary name and renamed, so a failed print leaves the previous one.

Usage: python tools/print_pdf.py CHROMIUM IN.html OUT.pdf   (stdlib only)
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--no-pdf-header-footer"]
#: a contents entry of the report's header (templates/report/report.html.j2)
_TOC_ENTRY = re.compile(r'(<li(?: class="annex")?><a href="#([\w-]+)">.*?</a>)(</li>)')
_DEST = re.compile(r"^\s*(\d+)\s+\[.*?\]\s+\"(.+)\"\s*$")


def print_once(chromium: str, html: Path, pdf: Path, profile: Path) -> None:
    """One print of ``html`` to ``pdf``; a failure names the page and shows Chromium's last words."""
    result = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise SystemExit(f"✖ {html.name}: Chromium did not print ({result.returncode}): {result.stderr[-500:]}")


def section_pages(pdf: Path) -> dict[str, int]:
    """Anchor → page, from the PDF's named destinations (``pdfinfo -dests``)."""
    out = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = {}
    for line in out.splitlines():
        if m := _DEST.match(line):
            pages.setdefault(m[2], int(m[1]))
    return pages


def with_page_numbers(html: str, pages: dict[str, int]) -> str:
    """The page with each contents entry followed by its section's page (entries without one left as they are)."""
    head, sep, rest = html.partition('<nav class="toc">')
    nav, end, tail = rest.partition("</nav>")

    def numbered(m: re.Match) -> str:
        page = pages.get(m[2])
        return m[0] if page is None else f'{m[1]}<span class="toc-page">{page}</span>{m[3]}'
    return head + sep + _TOC_ENTRY.sub(numbered, nav) + end + tail if sep else html


def main(chromium: str, source: str, target: str) -> None:
    source_path, target_path = Path(source).resolve(), Path(target)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first = tmp / "pass1.pdf"
        copy = tmp / source_path.name  # the same file name: the page's links to the other edition stay relative
        copy.write_text(source_path.read_text(encoding="utf-8"), encoding="utf-8")
        print_once(chromium, copy, first, tmp / "profile")
        copy.write_text(with_page_numbers(copy.read_text(encoding="utf-8"), section_pages(first)), encoding="utf-8")
        staged = target_path.with_name(f".{target_path.name}.{os.getpid()}.partial")
        try:
            print_once(chromium, copy, staged, tmp / "profile")
            os.replace(staged, target_path)
        finally:
            staged.unlink(missing_ok=True)
    print(f"✔ {target_path}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: python tools/print_pdf.py CHROMIUM IN.html OUT.pdf")
    main(*sys.argv[1:])
