"""The chat page's layout CSS: the welcome block, example questions and the narrow-screen order.

On a wide screen the page is two columns (chat left, filters, brief and sources right),
as Gradio lays out a row. Below ``NARROW`` the row becomes one column and the right
column's box is dissolved (``display: contents``) so that its parts can be ordered with
the chat's: chat, question, sources, then filters and brief. The card styles of the
sources panel live with the page's other fixed parts in ``_page``.
"""

from __future__ import annotations

NARROW = "767px"

LAYOUT_CSS = f"""
#status .smp-welcome p {{ margin: 0 0 4px; }}
#status .smp-welcome-line cite {{ font-style: italic; }}
#status .smp-status {{ font-size: 0.9em; opacity: 0.8; }}
#status .smp-when {{ white-space: nowrap; }}
#examples {{ flex-direction: row; flex-wrap: wrap; gap: 6px; }}
#examples > .smp-examples-label {{ flex: 1 1 100%; }}
#examples .smp-examples-label p {{ margin: 0; font-size: 0.9em; opacity: 0.8; }}
#examples .smp-example {{ white-space: normal; overflow-wrap: anywhere; text-align: left;
  justify-content: flex-start; width: fit-content; max-width: 100%; min-width: 0;
  height: auto; }}
#brief:has(.prose:empty) {{ display: none; }}
@media (max-width: {NARROW}) {{
  #smp-main {{ flex-direction: column; flex-wrap: nowrap; align-items: stretch; }}
  #smp-main > #smp-chat-column {{ order: 0; }}
  #smp-main > #smp-panel {{ display: contents; }}
  #smp-panel > * {{ order: 2; }}
  #smp-panel > #sources {{ order: 1; }}
  #smp-ask-row > * {{ flex: 1 1 100%; }}
  #brief-panel:has(.smp-brief-empty) .row {{ display: none; }}
}}
"""
