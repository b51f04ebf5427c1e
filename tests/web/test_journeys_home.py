"""Home journey: the track recommender is near the top of the page, not below every track's tables."""
import pytest

from tests.web.test_browser import browser, live, page, text_grader  # noqa: F401  (fixtures)


def test_the_recommender_comes_before_the_tracks(client):
    html = client.get("/").get_data(as_text=True)
    assert html.index("Which track should I target?") < html.index('id="track-research-engineer"')


@pytest.mark.browser
def test_the_recommender_is_visible_without_scrolling_far(live, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live[0].url + "/")
    top = page.locator("#q-title").bounding_box()["y"]
    assert top < 600, top  # was about 2,000 px down, below all three tracks
