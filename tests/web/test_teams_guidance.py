"""Team pages say what a member can do before they try (issue 17, team items): an uncertified interviewer meets
the gold answers first and a locked card instead of a form that fails on save; review buttons explain themselves."""
from __future__ import annotations

import re

from simulator import teams
from tests.web.conftest import csrf_token
from tests.web.test_teams_support import build_team, library, signed_in, team_question, team_rubric


def post(client, path, data=None, **kw):
    return client.post(path, data=dict(data or {}, csrf_token=csrf_token(client)), **kw)


def test_an_uncertified_interviewer_is_told_before_the_form_and_the_queue_puts_gold_first(multi_app):
    signed_in(multi_app, "alice")
    bob = signed_in(multi_app, "bob")
    # min_gold 2, certification required; bob graded gold[0] (as intended), the shared answer is assigned to him
    team = build_team(multi_app, "acme", "alice", ("bob",))
    grade_url = f"/teams/{team.id}/answers/{team.shared}/grade"

    queue = bob.get(f"/teams/{team.id}/queue").get_data(as_text=True)
    assert queue.index('id="gold-heading"') < queue.index('id="assigned-heading"')  # what certifies comes first
    assert "grade 1 more gold answer to be certified first" in queue
    assert f'href="{grade_url}"' not in queue  # the assigned answer is listed, locked
    assert f'href="/teams/{team.id}/answers/{team.gold[1]}/grade"' in queue
    assert "grade 1 more gold answer to be certified first" in bob.get(f"/teams/{team.id}").get_data(as_text=True)

    page = bob.get(grade_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="grading-locked"' in text
    assert "grade 1 more gold answer to be certified first" in text
    assert 'name="level-depth"' not in text and "Save the grade" not in text  # no form to fill in vain
    assert f'href="/teams/{team.id}/answers/{team.gold[1]}/grade"' in text  # the next step, one click away
    refused = post(bob, grade_url, {"level-depth": "3"})  # a stale form: the same card, not "Something went wrong"
    assert refused.status_code == 403 and 'id="grading-locked"' in refused.get_data(as_text=True)

    assert post(bob, f"/teams/{team.id}/answers/{team.gold[1]}/grade",
                {"level-depth": "1", "level-clarity": "2"}).status_code == 302  # the weak answer's levels: certified
    queue = bob.get(f"/teams/{team.id}/queue").get_data(as_text=True)
    assert "certified first" not in queue and f'href="{grade_url}"' in queue
    assert queue.index('id="assigned-heading"') < queue.index('id="gold-heading"')
    text = bob.get(grade_url).get_data(as_text=True)
    assert 'name="level-depth"' in text and "grading-locked" not in text
    assert post(bob, grade_url, {"level-depth": "3"}).status_code == 302


def test_the_locked_card_names_other_reasons_too(multi_app):
    signed_in(multi_app, "alice")
    bob, carol = signed_in(multi_app, "bob"), signed_in(multi_app, "carol")
    team = build_team(multi_app, "acme", "alice", ("bob", "carol"), author="carol")  # carol wrote the shared answer
    text = carol.get(f"/teams/{team.id}/answers/{team.shared}/grade").get_data(as_text=True)
    assert "Nobody grades their own answer" in text and 'name="level-depth"' not in text
    text = bob.get(f"/teams/{team.id}/answers/{team.shared}/grade").get_data(as_text=True)
    assert 'id="grading-locked"' in text and 'name="level-depth"' not in text
    assert re.search(r"is not assigned to you|grade \d more gold answers? to be certified first", text)


def test_review_buttons_say_who_may_review_and_a_refusal_is_not_a_dead_end(multi_app):
    alice, bob = signed_in(multi_app, "alice"), signed_in(multi_app, "bob")
    team = build_team(multi_app, "acme", "alice", ("bob",))  # alice, the only admin, wrote the question and rubric
    status_url = f"/teams/{team.id}/questions/{team.question_id}/status"
    page = alice.get(f"/teams/{team.id}/authoring").get_data(as_text=True)
    assert 'value="reviewed"' not in page  # no button she may not use
    assert "you edited it last" in page and "You are the team&#39;s only admin" in page
    assert "invite a second admin" in page and f'href="/teams/{team.id}/members"' in page
    editor = alice.get(f"/teams/{team.id}/questions/{team.question_id}/edit").get_data(as_text=True)
    assert 'value="reviewed"' not in editor and "invite a second admin" in editor

    refused = post(alice, status_url, {"status": "reviewed"})  # a stale form: the page again, saying what to do
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'id="review-refused"' in text and 'role="alert"' in text
    assert "another admin must review it" in text and "invite a second admin" in text
    assert "<h1>Questions and rubrics</h1>" in text and "Something went wrong" not in text

    post(alice, f"/teams/{team.id}/members/{team.ids['bob']}/role", {"role": "admin"})
    page = alice.get(f"/teams/{team.id}/authoring").get_data(as_text=True)
    assert 'value="reviewed"' not in page and "Another admin reviews it: ask bob." in page
    assert 'value="reviewed"' in bob.get(f"/teams/{team.id}/authoring").get_data(as_text=True)
    assert post(bob, status_url, {"status": "reviewed"}).status_code == 302


def test_single_user_mode_says_why_nothing_can_be_reviewed(client):
    response = post(client, "/teams/", {"name": "Solo lab"})
    team_id = int(re.search(r"/teams/(\d+)", response.headers["Location"]).group(1))
    with library(client.application) as s:  # the local user is user 1
        teams.save_rubric(s, team_id, 1, team_rubric("solo-rubric"))
        teams.save_question(s, team_id, 1, team_question("solo-q1", "solo-rubric"))
    page = client.get(f"/teams/{team_id}/authoring").get_data(as_text=True)
    assert 'value="reviewed"' not in page and 'value="retired"' in page
    assert "Single-user mode has one account" in page and "MOCKLOOP_MULTI_USER=1" in page
    assert "the draft works as it is" in page
