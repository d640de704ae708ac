"""A Content-Security-Policy for a finished, self-contained HTML page, by hash.

The report must never fetch anything, now or after a future change. Its policy (a
``<meta http-equiv="Content-Security-Policy">`` first in ``<head>``) allows no fetch at all
(``default-src 'none'``: no ``connect-src``, no external script, style, font or frame), images
only as ``data:`` URIs, and exactly the inline ``<script>`` and ``<style>`` elements and
``style="…"`` attributes the page holds when it is published, each by its sha256. Anything
added later without republishing does not run. Works on the final HTML text, so it does not depend
on how the page was templated.

A page that shows data written by others (an executed notebook: its outputs print titles and
descriptions from parameter files) allows only the scripts it is known to carry
(``trusted_scripts``: the report's own rate-control script), never one that appeared in its
outputs; inline event handlers (``onerror=``, ``onload=``) never run on any page.
"""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

#: ``<script type=…>`` values a browser executes (others, e.g. application/json, are data).
_EXECUTED = {"", "text/javascript", "application/javascript", "module"}


def sha256_source(text: str) -> str:
    """The CSP source ``'sha256-…'`` of ``text`` (UTF-8)."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')}'"


class _Inline(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("style") is not None:
            self.style_attributes.append(attrs["style"])
        if tag == "script" and (attrs.get("type") or "").lower() in _EXECUTED and "src" not in attrs:
            self._open = ("script", [])
        elif tag == "style":
            self._open = ("style", [])

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            (self.scripts if tag == "script" else self.styles).append("".join(self._open[1]))
            self._open = None


def _inline(html: str) -> _Inline:
    found = _Inline()
    found.feed(html)
    found.close()
    return found


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run in ``html`` (not JSON data blocks)."""
    return _inline(html).scripts


def policy_for(html: str, trusted_scripts=None) -> str:
    """The policy allowing exactly the inline scripts, styles and style attributes of ``html``; with
    ``trusted_scripts`` (texts), only those of its scripts that are among them."""
    found = _inline(html)
    allowed = found.scripts if trusted_scripts is None else [s for s in found.scripts if s in set(trusted_scripts)]
    scripts = sorted({sha256_source(s) for s in allowed})
    styles = sorted({sha256_source(s) for s in found.styles})
    attributes = sorted({sha256_source(s) for s in found.style_attributes})
    style_src = " ".join(styles + (["'unsafe-hashes'", *attributes] if attributes else [])) or "'none'"
    script_src = " ".join(scripts) or "'none'"
    return (f"default-src 'none'; img-src data:; style-src {style_src}; script-src {script_src}; "
            "base-uri 'none'; form-action 'none'")


_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
_CHARSET = re.compile(r"\s*<meta\s+charset=[^>]*>", re.I)


def with_policy(html: str, trusted_scripts=None) -> str:
    """``html`` with its policy (:func:`policy_for`) first in ``<head>``, before anything it governs:
    right after ``<head>``, or after a ``<meta charset>`` that opens it (the charset must stay within
    the first 1024 bytes, and the policy of a page with many hashes is long)."""
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("the page has no <head>: a Content-Security-Policy meta tag must go there")
    if 'http-equiv="Content-Security-Policy"' in html:
        raise ValueError("the page already declares a Content-Security-Policy")
    end = head.end()
    if charset := _CHARSET.match(html, end):
        end = charset.end()
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html, trusted_scripts)}">'
    return html[:end] + meta + html[end:]
