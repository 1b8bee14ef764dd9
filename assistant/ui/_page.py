"""The chat page's fixed parts: example questions, notices, and the page's own CSS and JS."""

from __future__ import annotations

EXAMPLES = [
    "Who should pay for training the candidates?",
    "How should the partnership be governed?",
    "What should a skills mobility partnership agreement include?",
    "How can employers be involved in the design of the partnership?",
]
COPY_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const text = button.dataset.copy;
  const done = () => {
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy citation'; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove(); done();
  }
});
"""
CSS = """
#sources .smp-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 10px; margin-bottom: 8px; }
#sources .smp-card header { font-weight: 600; }
#sources .smp-meta, #sources .smp-ref { font-size: 0.85em; opacity: 0.8; }
#sources .smp-quote { margin: 6px 0; padding-left: 8px; border-left: 3px solid #8aa; }
#sources mark { background: #ffe58a; color: inherit; }
#sources .smp-actions { display: flex; gap: 12px; align-items: center; margin-top: 4px; }
#sources .smp-copy { font-size: 0.85em; padding: 2px 8px; border: 1px solid #999;
  border-radius: 4px; cursor: pointer; }
"""
NO_INDEX_TEXT = (
    "**No publication is indexed yet.** Index the PDF with `smp-guide ingest PDF` "
    "(then restart `smp-guide chat`), or try the assistant on the generated sample document."
)
STORAGE_NOTICE = (
    "**Export and feedback are off:** the server cannot write to its data folder "
    "(see its log). Questions are answered as usual."
)
