"""Size budget: the first question page fits the first round trip (about 14 KB compressed).

This measures bytes, not time: what the server sends for the HTML and the stylesheet with
gzip, as a phone on a slow connection would receive them. The browser test measures the same
on the wire in Chromium.
"""

from __future__ import annotations

import gzip
import re

import pytest

BUDGET = 14950  # 14.6 KB


@pytest.mark.parametrize("role", ["guardian", "child", "youth"])
def test_first_question_page_fits_the_budget(client, make_invitation, role):
    invitation = make_invitation(role=role)
    client.get(f"/s/{invitation.token}")
    client.post("/s/")
    page = client.get("/s/q/1", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers.get("Content-Encoding") == "gzip"
    total = len(page.data)
    text = gzip.decompress(page.data).decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    for asset in assets:
        response = client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        total += len(response.data)
        response.close()
    assert len(assets) <= 2  # HTML + CSS (+ one small script): at most 3 requests
    assert total <= BUDGET, f"{role}: {total} bytes"
