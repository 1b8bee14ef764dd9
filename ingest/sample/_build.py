"""Build the sample PDF: lay the story out until the printed page numbers settle.

Page positions are learnt from ReportLab's ``afterFlowable`` hook: the first build records the
page of each tracked flowable, and the next build prints those numbers in the contents and lists
(their layout does not depend on the numbers printed).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from ingest.sample._doc import SampleDoc
from ingest.sample._labels import page_label
from ingest.sample._load import load_sample_text
from ingest.sample._manifest import SampleManifest, sample_manifest
from ingest.sample._model import SampleText
from ingest.sample._story import Registry, body_story, front_story


def _render(
    text: SampleText, outline: bool, labels: Mapping[str, str]
) -> tuple[bytes, SampleDoc, Registry]:
    reg = Registry()
    body = body_story(text, reg)
    story = front_story(text, reg, labels) + body
    buffer = io.BytesIO()
    doc = SampleDoc(buffer, text, outline=outline)
    doc.build(story)
    return buffer.getvalue(), doc, reg


def build_sample_pdf(out: Path, *, outline: bool = True) -> SampleManifest:
    """Write the sample PDF to ``out`` and return its ground truth.

    Same code, same bytes: ReportLab runs in invariant mode with fixed metadata. Without
    ``outline`` the PDF has no bookmarks and no page labels, only what is printed.
    """
    text = load_sample_text()
    labels: dict[str, str] = {}
    for _attempt in range(3):
        data, doc, reg = _render(text, outline, labels)
        new = {k: page_label(i, doc.body_start) for k, i in doc.marks.items()}
        if new == labels:
            break
        labels = new
    else:
        raise RuntimeError("sample PDF page numbers did not settle after three builds")
    if doc.twocol_pages != 1:
        raise RuntimeError(f"expected one two-column page, laid out {doc.twocol_pages}")
    out.write_bytes(data)
    return sample_manifest(text, doc, reg)
