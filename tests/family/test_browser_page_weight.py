"""Size budget on the wire: each role's first question page, cold cache, in Chromium.

A budget of bytes and requests, not of time: 14.6 KB (14,950 bytes) is what fits in the first
round trip of a new connection (TCP's initial window of 10 segments), so the page can show at
once on a slow mobile connection. Counted by Chromium itself (CDP encodedDataLength: headers
plus the compressed body, as received).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

BUDGET_BYTES = 14950
BUDGET_REQUESTS = 3


@pytest.mark.parametrize("role", ["guardian", "child", "youth"])
def test_first_question_page_fits_the_budget(role, phone, begin_in_browser, make_invitation):
    opened = phone()
    invitation = make_invitation(role=role)
    # A guardian's first question is on the page the link opens: measured from the link.
    first_question = f"/s/{invitation.token}" if role == "guardian" else "/s/q/1"
    if role != "guardian":
        begin_in_browser(opened, invitation)
    page = opened.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # as on a first visit
    sent: dict[str, dict[str, Any]] = {}  # the CDP events, by request id
    received: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda event: sent.update({event["requestId"]: event}))
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.update({event["requestId"]: int(event["encodedDataLength"])}),
    )
    encodings: dict[str, str | None] = {}
    page.on(
        "response",
        lambda response: encodings.update({response.url: response.headers.get("content-encoding")}),
    )
    opened.goto(first_question)
    page.wait_for_load_state("load")
    page.wait_for_function("() => true")  # one more round trip: the last CDP events arrive
    # The start page's "seen" beacon goes after the page has shown: not part of showing it.
    beacons = [key for key, event in sent.items() if event["request"]["url"].endswith("/s/sedd")]
    for key in beacons:
        sent.pop(key)
    urls = sorted(event["request"]["url"] for event in sent.values())
    total = sum(received.get(key, 0) for key in sent)
    (ARTIFACTS / f"page-weight-{role}.txt").write_text(
        f"{role}: {total} bytes in {len(sent)} requests\n"
        + "".join(
            f"  {received.get(key, 0):6d}  {event['request']['url']}\n"
            for key, event in sent.items()
        )
    )
    assert len(sent) <= BUDGET_REQUESTS, urls
    assert set(sent) <= set(received), "every request finished loading"
    assert total <= BUDGET_BYTES, f"{role}: {total} bytes"
    for url, encoding in encodings.items():
        if url.endswith("/s/sedd"):
            continue  # 204, no body
        assert encoding in ("gzip", "br"), f"{url} sent uncompressed"
