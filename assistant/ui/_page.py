"""The chat page's fixed parts: example questions, notices, and the page's own CSS and JS.

``SOURCES_JS`` runs once when the sources panel loads: the copy-citation buttons, the
page view of a card (an image of the cited page, its quote highlighted, in a dialog; the
next page too when the quote runs on there) and
the citation chips of the chat (``[n]`` links to ``#smp-src-<answer>-<n>``), which show
their own answer's sources and select card n there; each answer's "Add to brief" link
(``#smp-add-<n>``), which sends the answer's number to the server as the panel's click
event; the chat's Copy of an answer with chips copies its text as shown (without that
link), so no link markup reaches a brief.
"""

from __future__ import annotations

EXAMPLES = [
    "Who should pay for training the candidates?",
    "How should the partnership be governed?",
    "What should a skills mobility partnership agreement include?",
    "How can employers be involved in the design of the partnership?",
]
SOURCES_JS = """
const showSource = (id) => {
  const card = document.getElementById(id);
  if (!card || !element.contains(card)) return false;
  element.querySelectorAll('.smp-turn').forEach((s) => s.classList.remove('smp-shown'));
  element.querySelectorAll('.smp-selected').forEach((c) => c.classList.remove('smp-selected'));
  card.closest('.smp-turn').classList.add('smp-shown');
  card.classList.add('smp-selected');
  card.scrollIntoView({block: 'nearest'});
  card.focus({preventScroll: true});
  return true;
};
if (!window.__smpChips) {  // one listener per page, ahead of the chat's own link handling
  window.__smpChips = true;
  document.addEventListener('click', (event) => {
    const chip = event.target.closest && event.target.closest('#chat a[href^="#smp-src-"]');
    if (!chip) return;
    event.preventDefault();
    event.stopPropagation();
    showSource(chip.getAttribute('href').slice(1));
  }, true);
}
if (!window.__smpAdd) {  // an answer's own "Add to brief": its number goes to the server
  window.__smpAdd = true;
  document.addEventListener('click', (event) => {
    const add = event.target.closest && event.target.closest('#chat a[href^="#smp-add-"]');
    if (!add) return;
    event.preventDefault();
    event.stopPropagation();
    trigger('click', {turn: parseInt(add.getAttribute('href').slice('#smp-add-'.length), 10)});
  }, true);
}
if (!window.__smpCopy) {  // the chat's Copy gives the answer's text: chips as plain [n]
  window.__smpCopy = true;
  document.addEventListener('click', (event) => {
    const copy = event.target.closest?.('#chat button[aria-label="Copy message"]');
    const row = copy && copy.closest('.message-buttons')?.previousElementSibling;
    const message = row && (row.matches('.message.bot') ? row : row.querySelector('.message.bot'));
    const links = message ? message.querySelectorAll('a[href^="#smp-"]') : [];
    if (!links.length || !navigator.clipboard) return;
    const adds = message.querySelectorAll('a[href^="#smp-add-"]');
    adds.forEach((a) => { a.style.display = 'none'; });  // the link is no part of the answer
    const text = message.innerText.trim();
    adds.forEach((a) => { a.style.display = ''; });
    setTimeout(() => navigator.clipboard.writeText(text), 100);  // after the chat's own copy
  });
}
const closeViewer = () => document.querySelectorAll('.smp-viewer').forEach((v) => v.remove());
const openViewer = (button) => {
  closeViewer();
  const viewer = document.createElement('div');
  viewer.className = 'smp-viewer';
  viewer.setAttribute('role', 'dialog');
  viewer.setAttribute('aria-modal', 'true');
  viewer.setAttribute('aria-label', 'The cited page, ' + button.dataset.title);
  const close = document.createElement('button');
  close.type = 'button'; close.className = 'smp-viewer-close'; close.textContent = 'Close';
  close.addEventListener('click', closeViewer);
  const image = document.createElement('img');
  image.alt = 'The cited page, ' + button.dataset.title + ', the quoted passage highlighted';
  image.dataset.src = button.dataset.view;
  fetch(button.dataset.view).then(async (response) => {
    const top = parseFloat(response.headers.get('X-Highlight-Top'));
    image.addEventListener('load', () => {  // the highlight near the top of the view
      if (!isNaN(top)) viewer.scrollTop = image.offsetTop + top * image.clientHeight - 48;
    }, {once: true});
    image.src = URL.createObjectURL(await response.blob());
  });
  viewer.append(close, image);
  (async () => {  // a quote that runs over a page break: its next pages, where it goes on
    for (const url of (button.dataset.more || '').split(' ').filter(Boolean)) {
      const response = await fetch(url);
      if (!response.ok || !response.headers.get('X-Highlight-Top')) break;
      const next = document.createElement('img');
      next.className = 'smp-viewer-next';
      next.alt = 'The next page, the rest of the quoted passage highlighted';
      next.dataset.src = url;
      next.src = URL.createObjectURL(await response.blob());
      viewer.append(next);
    }
  })();
  viewer.addEventListener('click', (e) => { if (e.target === viewer) closeViewer(); });
  viewer.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeViewer(); });
  document.body.appendChild(viewer);
  close.focus();
};
element.addEventListener('click', (event) => {
  const view = event.target.closest('button[data-view]');
  if (view) { openViewer(view); return; }
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
#sources .smp-copy, #sources .smp-view { font-size: 0.85em; padding: 2px 8px;
  border: 1px solid #999; border-radius: 4px; cursor: pointer; }
#sources .smp-turn:not(.smp-shown) { display: none; }
#sources .smp-turn-question { font-size: 0.85em; opacity: 0.8; margin-bottom: 6px; }
#sources .smp-card.smp-selected { border: 2px solid #d9a400; background: #fff8dc33; }
#chat a[href^="#smp-src-"] { display: inline-block; padding: 0 4px; border-radius: 4px;
  background: #e8eef8; color: #1d4f91; text-decoration: none; font-size: 0.9em;
  position: relative; }
#chat a[href^="#smp-src-"]:hover, #chat a[href^="#smp-src-"]:focus-visible {
  background: #1d4f91; color: #fff; }
#chat a[href^="#smp-src-"]:focus-visible::after { content: attr(title); position: absolute;
  left: 0; top: 1.6em; z-index: 20; width: 24em; padding: 6px 8px; border-radius: 6px;
  background: #222; color: #fff; font-size: 0.85rem; line-height: 1.35; white-space: normal; }
#chat a[href^="#smp-add-"] { display: inline-block; padding: 1px 8px; border-radius: 4px;
  border: 1px solid #999; font-size: 0.85em; text-decoration: none; color: inherit; }
#chat a[href^="#smp-add-"]:hover, #chat a[href^="#smp-add-"]:focus-visible {
  background: #1d4f91; border-color: #1d4f91; color: #fff; }
.smp-viewer { position: fixed; inset: 0; z-index: 1000; background: rgba(0, 0, 0, 0.6);
  display: flex; flex-direction: column; align-items: center; overflow: auto; padding: 16px; }
.smp-viewer img { max-width: min(95vw, 900px); background: #fff; }
.smp-viewer img.smp-viewer-next { margin-top: 12px; }
.smp-viewer-close { align-self: flex-end; margin-bottom: 8px; padding: 4px 12px;
  border-radius: 4px; background: #fff; cursor: pointer; position: sticky; top: 0; z-index: 1; }
"""
NO_INDEX_TEXT = (
    "**No publication is indexed yet.** Index the PDF with `smp-guide ingest PDF` "
    "(then restart `smp-guide chat`), or try the assistant on the generated sample document."
)
STORAGE_NOTICE = (
    "**Export and feedback are off:** the server cannot write to its data folder "
    "(see its log). Questions are answered as usual."
)
