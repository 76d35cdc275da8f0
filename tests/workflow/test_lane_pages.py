"""The review/TPI lane sheet made for work: one worksheet tab per page with the lane's progress per tab, the criterion
text beside each option, the unit's answer and evidence beside the scorer's input, save-and-next by plain post or
htmx (issue #17). The query bound is in ``test_lane_workspace.py``."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from tests.workflow.conftest import fill_lane, go, journey_at
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Lane
from zi.assessments.selectors import section_key
from zi.workflow.models import State


def _tabs(spec):
    keys = [str(n) for n in range(1, len(spec.area_names) + 1)] + ["hasil"]
    by_tab = {key: [] for key in keys}
    for code in sorted(spec.questions, key=lambda c: spec.questions[c].order):
        by_tab[section_key(spec, code)].append(code)
    return by_tab


def _anchor(code):
    return "q-" + code.replace(".", "-")


def _article(html, code):
    part = html[html.index(f'id="{_anchor(code)}"') :]
    return part[: part.index("</article>")]


def test_one_tab_per_page_with_the_lanes_progress_criteria_and_the_units_answer(client, jw):
    journey = journey_at(jw, State.BUILDING)
    spec = jw["spec"]
    tabs = _tabs(spec)
    code = tabs["2"][0]
    assessment_services.evidence_add_link(
        actor=jw["member"], assessment=jw["assessment"], question_code=code, title="SK Tim ZI", url="https://x.go.id/sk"
    )
    fill_lane(jw)
    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")  # the review lane starts as a copy of the self lane
    blanked = tabs["2"][1:4]
    Answer.objects.filter(assessment=jw["assessment"], lane=Lane.REVIEW, question__code__in=blanked).delete()
    client.force_login(jw["reviewer"])
    sheet = reverse("workflow:lane_sheet", args=[journey.pk, Lane.REVIEW])

    html = client.get(sheet + "?bagian=2").content.decode()
    shown = set(re.findall(r'<article class="lane-q" id="(q-[^"]+)"', html))
    assert shown == {_anchor(c) for c in tabs["2"]}  # the tab's questions, none of another tab
    # the tabs: every tab with the lane's own answered count / total, the shown one marked
    for key, codes in tabs.items():
        done = len(codes) - (len(blanked) if key == "2" else 0)
        assert f'href="{sheet}?bagian={key}"' in html and f"<small>{done}/{len(codes)}</small>" in html
    assert f'href="{sheet}?bagian=2" aria-current="page"' in html
    # the question: every option with its criterion, the unit's answer with its criterion and its evidence link
    article = _article(html, code)
    question = spec.questions[code]
    for option in question.options:
        assert f'<strong>{option.key}</strong> — <span class="lane-criteria">{option.criteria}</span>' in article
    own = Answer.objects.get(assessment=jw["assessment"], lane=Lane.SELF, question__code=code)
    criterion = next(o.criteria for o in question.options if o.key == own.choice)
    assert f'<strong>{own.choice}</strong> — <span class="lane-criteria">{criterion}</span>' in article
    assert "Penilaian mandiri" in article and 'href="https://x.go.id/sk"' in article and "SK Tim ZI" in article
    assert article.index("SK Tim ZI") < article.index('name="choice"')  # the unit's side comes first
    # an unknown tab opens the first one
    first = client.get(sheet + "?bagian=zz").content.decode()
    assert f'id="{_anchor(tabs["1"][0])}"' in first and f'id="{_anchor(code)}"' not in first


def test_save_and_next_plain_post_and_htmx(client, jw):
    journey = journey_at(jw, State.IN_REVIEW)
    spec = jw["spec"]
    tabs = _tabs(spec)
    client.force_login(jw["reviewer"])
    sheet = reverse("workflow:lane_sheet", args=[journey.pk, Lane.REVIEW])
    last_of_one, first_of_two = tabs["1"][-1], tabs["2"][0]
    option = spec.questions[last_of_one].options[-1].key if spec.questions[last_of_one].options else None
    data = {"choice": option, "next": "1"} if option else {"next": "1"}

    # without JavaScript: a form post, then a redirect to the next question on its own tab
    response = client.post(reverse("workflow:lane_answer", args=[journey.pk, Lane.REVIEW, last_of_one]), data)
    assert response.status_code == 302
    assert response["Location"] == f"{sheet}?bagian=2#{_anchor(first_of_two)}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="{_anchor(first_of_two)}"' in page

    # htmx, next question on the same tab: the saved question comes back with the tab's progress, focus moves on
    code, following = tabs["2"][0], tabs["2"][1]
    choice = spec.questions[code].options[0].key
    url = reverse("workflow:lane_answer", args=[journey.pk, Lane.REVIEW, code])
    response = client.post(url, {"choice": choice, "note": "cek", "next": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<article class="lane-q" id="{_anchor(code)}"' in body and "Tersimpan" in body
    assert 'id="area-tabs"' in body and 'hx-swap-oob="true"' in body and 'id="lane-total"' in body
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"laneFocus": _anchor(following)}
    answer = Answer.objects.get(assessment=jw["assessment"], lane=Lane.REVIEW, question__code=code)
    assert (answer.choice, answer.note) == (choice, "cek")
    # htmx, a refused value: the question with the refusal, focus stays
    response = client.post(url, {"choice": "Z", "next": "1"}, headers={"HX-Request": "true"})
    assert 'role="alert"' in response.content.decode()
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"laneFocus": _anchor(code)}
    # htmx, next question on another tab: the browser is sent there
    last_of_two = tabs["2"][-1]
    url = reverse("workflow:lane_answer", args=[journey.pk, Lane.REVIEW, last_of_two])
    response = client.post(url, {"next": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{sheet}?bagian=3#{_anchor(tabs['3'][0])}"


def test_lane_sheet_refuses_other_units_and_non_scorers(client, jw):
    journey = journey_at(jw, State.IN_REVIEW)
    client.force_login(jw["other"])  # another unit's team: the journey does not exist for them
    assert client.get(reverse("workflow:lane_sheet", args=[journey.pk, Lane.REVIEW])).status_code == 404
    client.force_login(jw["member"])  # the unit's own team: not a scorer
    assert client.get(reverse("workflow:lane_sheet", args=[journey.pk, Lane.REVIEW])).status_code == 403
