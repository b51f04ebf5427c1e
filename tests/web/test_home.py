"""Home: the tracks and what their loops contain, and the questionnaire with its reasons."""


def test_home_lists_the_three_tracks_with_their_rounds(client):
    html = client.get("/").get_data(as_text=True)
    for name in ("Research scientist", "Research engineer", "Applied ML engineer"):
        assert name in html
    assert "distributed systems" in html and "What it emphasises" in html
    assert 'href="/loops/new?track=research-engineer"' in html


def test_home_has_the_questionnaire_with_labelled_choices(client):
    html = client.get("/").get_data(as_text=True)
    assert "Which track should I target?" in html
    assert '<legend>1. What is your research background?</legend>' in html
    assert 'id="q-background-phd"' in html and 'for="q-background-phd"' in html


def test_advice_recommends_with_reasons_and_prep(client):
    response = client.get("/advice?background=shipped&systems=strong&mode=systems&problems=defined")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Target: Research engineer" in html
    assert "systems-engineering background" in html
    assert "How to prepare" in html and 'href="/loops/new?track=research-engineer"' in html
    assert 'value="shipped"\n             checked' in html or 'checked' in html


def test_advice_without_answers_says_so(client):
    response = client.get("/advice")
    assert response.status_code == 400
    assert "Answer at least one question" in response.get_data(as_text=True)


def test_advice_with_unknown_choice_is_a_clear_error(client):
    response = client.get("/advice?mode=<script>alert(1)</script>")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<script>alert(1)" not in html and "unknown choice" in html
