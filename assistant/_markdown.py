"""Markdown that shows text as written: document words never become links or images.

Everything taken from a document (or typed by a user) is Markdown-escaped where it lands
in Markdown (chat messages, the exported brief), so ``![x](http://host/beacon.png)``,
``[a](url)`` or a bare ``http://host/`` shows as those characters instead of an image or
a link. An answer keeps its own layout: headings, bullets and citation markers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# Markdown (CommonMark + GFM, as the chatbot's renderer reads it) turns these into markup:
# inline punctuation, bare URLs and e-mail addresses (GFM autolinks), entity references,
# and block markers at the start of a line. A backslash makes any of them a plain character.
_MD_INLINE = re.compile(r"[\\`*_\[\]<>~|]|&(?=#?\w+;)")
_MD_AUTOLINK = re.compile(r"(?i)\b(?:(https?|ftp)(:)(?=//)|(www)(\.))|(?<=\w)(@)(?=\w)")
_MD_BLOCK = re.compile(r"^(\s*\d*)([#>+=*-]|(?<=\d)[.)])", re.MULTILINE)
# A citation marker [n] is kept as written: with every bracket of the text around it
# escaped, no link definition can exist, and a marker followed by "(", "[" or ":" (which
# could start a link) is escaped like any other text.
_MARKER = re.compile(r"\[\d{1,3}\](?![(\[:])")
_LIST_ITEM = re.compile(r"([-*] |\d+\. )(.*)")
_BOLD_LINE = re.compile(r"\*\*(.+)\*\*")


def literal(text: str) -> str:
    """Document (or user) text for a Markdown component: every character shown as itself."""
    text = _MD_INLINE.sub(lambda m: "\\" + m.group(0), text)
    text = _MD_AUTOLINK.sub(lambda m: "".join(_escaped_groups(m)), text)
    return _MD_BLOCK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def _escaped_groups(match: re.Match[str]) -> Iterator[str]:
    for group in match.groups():
        if group:
            yield "\\" + group if len(group) == 1 and not group.isalnum() else group


def answer_markdown(text: str, *, marker: Callable[[int], str] | None = None) -> str:
    """An answer for a Markdown view: its own layout kept, every word of it literal.

    The answer's layout is line-based: ``**Chapter ...**`` headings, ``- quote [n]``
    bullets (an LLM may also number them) and trailing citation markers. Everything
    inside them comes from the document (or the LLM reading it) and is escaped.
    ``marker`` writes citation ``n`` (the chat makes it a link); by default ``[n]``.
    """
    return "\n".join(_answer_line(line, marker) for line in text.split("\n"))


def _answer_line(line: str, marker: Callable[[int], str] | None = None) -> str:
    if bold := _BOLD_LINE.fullmatch(line):
        return f"**{literal(bold.group(1))}**"
    prefix = ""
    if item := _LIST_ITEM.fullmatch(line):
        prefix, line = item.group(1), item.group(2)
    pieces = _MARKER.split(line)
    markers = [*_MARKER.findall(line), ""]
    if marker is not None:
        markers = [marker(int(m[1:-1])) if m else m for m in markers]
    return prefix + "".join(literal(p) + m for p, m in zip(pieces, markers, strict=True))


# A citation marker the chat made a link: [[n]](#anchor "title"), title escaped by the chat.
_LINKED_MARKER = re.compile(r'\[\[(\d{1,3})\]\]\(#[^\s)]* "(?:[^"\\]|\\.)*"\)')
# CommonMark: a backslash before ASCII punctuation stands for that character.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def plain_answer(markdown: str) -> str:
    """An answer shown by ``answer_markdown`` as its plain text again: markers ``[n]``
    (links too) and every escaped character as itself."""
    return _ESCAPE.sub(r"\1", _LINKED_MARKER.sub(r"[\1]", markdown))
