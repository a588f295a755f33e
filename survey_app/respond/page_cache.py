"""Rendered family pages, kept per process: a page is the same for every family that sees it.

Rendering a question page (Jinja macros, WTForms widgets, about 45 translated strings) was the
largest part of its CPU cost. What a family page shows depends on a few facts (language,
questionnaire, page, the answers already on it, the team's place) that the caller puts in the
key; the one personal part is the CSRF token, rendered as a placeholder and put in per request.
A page with a message (flash) or with errors is never served from here, and each app has its
own store (settings differ).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, session
from flask.sansio.app import App
from flask_babel import get_locale

from survey_app.web.csrf_token import signed_csrf_token

#: Stands in for the CSRF token in a stored page; plain ASCII that HTML escaping leaves alone.
CSRF_PLACEHOLDER = "csrf-token-placeholder-5c1d0f"
EXTENSION_KEY = "survey_question_pages"


class RenderedPages:
    """A bounded store (least recently used goes first) of pages with a CSRF placeholder."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()  # for threaded servers; sync workers never contend

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = render()
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self.capacity:
                self._pages.popitem(last=False)
        return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def init_page_cache(app: App) -> None:
    capacity = int(app.config.get("QUESTION_PAGE_CACHE_SIZE", 2048))
    app.extensions[EXTENSION_KEY] = RenderedPages(capacity) if capacity > 0 else None


def forget_stored_pages(app: App) -> None:
    """Empty the app's page store (the warm-up renders pages for no one)."""
    store: RenderedPages | None = app.extensions.get(EXTENSION_KEY)
    if store is not None:
        store.clear()


def _may_use_store() -> bool:
    # Not when a message waits to be shown: it is part of the page and is shown once.
    store = current_app.extensions.get(EXTENSION_KEY)
    return store is not None and "_flashes" not in session


def csrf_enabled() -> bool:
    return bool(current_app.config.get("WTF_CSRF_ENABLED", True))


#: Where the token signed for the posted form waits while the next page renders (g).
_SIGNED_TOKEN = "survey_signed_csrf_token"  # noqa: S105 (a name in g, not a secret)


def forget_posted_form() -> None:
    """The posted form is done with: the page shown next makes its own forms (and may come
    from the store, which refuses a token a form took before rendering). The token signed
    for it in this request is put back in the page that comes from the store: signing it
    again costs as much as a page's database work."""
    token = g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if token is not None:
        setattr(g, _SIGNED_TOKEN, token)


def _render_with_placeholder(render: Callable[[], str]) -> str:
    # Flask-WTF hands every form of a request the token it keeps in g: while rendering for
    # the store, that token is the placeholder.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        # A form made before rendering holds this session's real token, which would then be
        # stored and shown to other families: forms must be made inside `render`.
        raise RuntimeError("a page for the store must make its forms while rendering")
    setattr(g, field, CSRF_PLACEHOLDER)
    try:
        return render()
    finally:
        g.pop(field, None)


def stored_page(key: Hashable | None, render: Callable[[], str]) -> str:
    """The page for `key` from the store (rendered once), with this session's CSRF token.

    The language is added to every key (every family page depends on it). A None key, a
    waiting message or a store turned off (QUESTION_PAGE_CACHE_SIZE=0) renders afresh.
    """
    if key is None or not _may_use_store():
        return render()
    store: RenderedPages = current_app.extensions[EXTENSION_KEY]
    key = (str(get_locale()), key)
    if not csrf_enabled():
        return store.get_or_render(key, render)
    page = store.get_or_render(key, lambda: _render_with_placeholder(render))
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed = g.pop(_SIGNED_TOKEN, None)
    if signed is not None and field not in g:
        setattr(g, field, signed)  # the request's token is handed out from g
    return page.replace(CSRF_PLACEHOLDER, signed_csrf_token())
