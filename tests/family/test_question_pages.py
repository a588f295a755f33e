"""What a question page shows when something needs correcting, and how typed text runs."""

from __future__ import annotations

import re

from survey_app.questionnaires import all_questionnaires

GUARDIAN_FIRST_PAGE = {"action": "next", "G0": "3"}


def test_the_error_summary_names_each_question(client, begin, make_invitation):
    begin(client, make_invitation(role="guardian"))
    client.post("/s/q/1", data=GUARDIAN_FIRST_PAGE)
    page = client.post("/s/q/2", data={"action": "next", "G3": "4"}).text
    summary = page[page.index('<div class="error-summary"') : page.index("</ul>")]
    links = re.findall(r'<a href="#(G\d+)">(.*?)</a>', summary, flags=re.S)
    questions = {item.key: item.text for item in all_questionnaires()["sip-guardian"].items}
    assert [key for key, _ in links] == ["G1", "G2", "G4", "G5"]  # G3 was answered
    for key, text in links:
        assert f'<span class="question-name">{questions[key]}</span>' in text
        assert "Välj ett av svaren." in text
    assert len({text for _, text in links}) == len(links)  # no two links read the same


def test_free_text_boxes_take_the_writers_direction(client, begin, make_invitation):
    begin(client, make_invitation(role="guardian", language="ar"))
    client.post("/s/q/1", data=GUARDIAN_FIRST_PAGE)
    answers = {"G1": "4", "G2": "4", "G3": "4", "G4": "4", "G5": "4"}
    client.post("/s/q/2", data={"action": "next", **answers})
    client.post("/s/q/3", data={"action": "next", "G6": "4", "G7": "4", "G8": "4", "G9": "4"})
    page = client.get("/s/q/4").text
    textarea = re.search(r"<textarea[^>]*>", page)
    assert textarea is not None
    assert 'dir="auto"' in textarea.group(0)
