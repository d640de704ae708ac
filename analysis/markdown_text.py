"""Text from data or parameters in a notebook's Markdown output: shown as typed, never read as markup.

A scenario's ``title`` or ``description`` (a parameter file anyone may write), a source's name or a
note is put into ``display(Markdown(...))``; nbconvert renders Markdown with raw HTML passed
through, so ``<img src=x onerror=…>`` in a title ran in the executed notebook's page. CommonMark lets
a backslash escape every ASCII punctuation character, and an escaped one is always the character
itself: no tag, entity, link, emphasis, heading or list can start from the text.
"""
from __future__ import annotations

import re

#: every ASCII punctuation character (CommonMark: each may be backslash-escaped)
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape(text) -> str:
    """``text`` (any value, as ``str``) with every ASCII punctuation character backslash-escaped.

    >>> escape("<img src=x onerror=alert(1)> *社零* 6.5%")
    '\\\\<img src\\\\=x onerror\\\\=alert\\\\(1\\\\)\\\\> \\\\*社零\\\\* 6\\\\.5\\\\%'
    """
    return _PUNCTUATION.sub(r"\\\1", str(text))
