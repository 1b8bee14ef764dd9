"""A brief as Markdown or as a Word document, both from the same ``BriefLayout``.

Each answer's quotes carry their reference numbers in short form with the page
(``[3, p. 44]``), which point to the one numbered list at the end; that list names each
document once, then the places in it.
In Markdown, every word taken from a document or typed by a user is escaped, so a viewer
shows it as written, never as an image or a link.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import docx
from docx.document import Document as DocxDocument

from assistant._brief_model import BodyLine, Brief, BriefLayout
from assistant._markdown import answer_markdown, literal

TITLE = "SMP Guide brief"
REPEAT = "Quoted above"
_MARKER = re.compile(r"\[(\d{1,3})\]")


def exported_line(brief: Brief, created: datetime) -> str:
    count = len(brief)
    return f"Exported {created.strftime('%Y-%m-%d %H:%M %Z').strip()}; {count} answer" + (
        "" if count == 1 else "s"
    )


def _short(layout: BriefLayout, n: int, *, markdown: bool = False) -> str:
    """Reference ``n`` as the text cites it, with its page: '[3, p. 44]' ('[3]' without)."""
    page = layout.page(n)
    if not page:
        return f"[{n}]"
    return f"[{n}, {literal(page) if markdown else page}]"


def _markers(line: BodyLine, layout: BriefLayout, *, markdown: bool = False) -> str:
    """' [3, p. 44] [5, p. 46]': the line's references in short form."""
    return "".join(f" {_short(layout, n, markdown=markdown)}" for n in line.refs)


def _line_markdown(line: BodyLine, layout: BriefLayout) -> str:
    match line.kind:
        case "heading":
            return f"**{literal(line.text)}**"
        case "quote":
            return f"- {literal(line.text)}{_markers(line, layout, markdown=True)}"
        case "repeat":
            return f"- _{REPEAT}_{_markers(line, layout, markdown=True)}"
        case "text":
            return answer_markdown(line.text, marker=lambda n: _short(layout, n, markdown=True))


def brief_markdown(brief: Brief, *, created: datetime) -> str:
    """The brief as Markdown: the answers with their reference numbers, then the references."""
    layout = brief.layout()
    out = [f"# {TITLE}", "", exported_line(brief, created) + ".", ""]
    for number, section in enumerate(layout.sections, start=1):
        out += [f"## {number}. {literal(section.question)}", ""]
        out += [f"_Filters: {literal(section.filters)}_", ""]
        for line in section.lines:
            out += [_line_markdown(line, layout)]
            if line.kind in ("text", "heading"):
                out.append("")
        out.append("")
        out += [item for notice in section.notices for item in (f"_Note: {literal(notice)}_", "")]
    out += _references_markdown(layout)
    return "\n".join(out).replace("\n\n\n", "\n\n").rstrip() + "\n"


def _references_markdown(layout: BriefLayout) -> list[str]:
    if not layout.references:
        return []
    out = ["## References", ""]
    for document, refs in layout.by_document():
        if document:
            out += [literal(document), ""]
        out += [f"- [{r.n}] {literal(r.location)}" for r in refs]
        out.append("")
    return out


def brief_docx(brief: Brief, *, created: datetime) -> bytes:
    """The brief as a Word document (.docx): headings, answers, filters, references, date."""
    layout = brief.layout()
    document: DocxDocument = docx.Document()
    document.core_properties.title = TITLE
    document.core_properties.created = created
    document.add_heading(TITLE, level=0)
    document.add_paragraph(exported_line(brief, created) + ".")
    for number, section in enumerate(layout.sections, start=1):
        document.add_heading(f"{number}. {section.question}", level=1)
        document.add_paragraph().add_run(f"Filters: {section.filters}").italic = True
        for line in section.lines:
            _line_docx(document, line, layout)
        for notice in section.notices:
            document.add_paragraph().add_run(f"Note: {notice}").italic = True
    if layout.references:
        document.add_heading("References", level=1)
        for name, refs in layout.by_document():
            if name:
                document.add_paragraph(name)
            for ref in refs:
                document.add_paragraph(f"[{ref.n}] {ref.location}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _line_docx(document: DocxDocument, line: BodyLine, layout: BriefLayout) -> None:
    marks = _markers(line, layout)
    match line.kind:
        case "heading":
            document.add_heading(line.text, level=3)
        case "quote":
            document.add_paragraph(f"\u201c{line.text}\u201d{marks}", "List Bullet")
        case "repeat":
            document.add_paragraph(f"{REPEAT}{marks}", "List Bullet")
        case "text":
            document.add_paragraph(_MARKER.sub(lambda m: _short(layout, int(m[1])), line.text))
