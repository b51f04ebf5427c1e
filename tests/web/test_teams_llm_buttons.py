"""Disabled LLM buttons on the team pages say why in visible text, not only in a tooltip (issue 17, item 15)."""
import html
import re

from tests.web.test_teams_support import build_team, signed_in


def visible_text(page):
    """The page's text as a reader sees it (tags, attributes and scripts gone)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


def test_disabled_llm_buttons_say_why_in_visible_text(multi_app, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    alice = signed_in(multi_app, "alice")
    team = build_team(multi_app, "acme", "alice")
    pages = [f"/teams/{team.id}/sets", f"/teams/{team.id}/sets/{team.set_id}", f"/teams/{team.id}/certification"]
    for path in pages:
        page = alice.get(path).get_data(as_text=True)
        buttons = re.findall(r"<button[^>]*\bdisabled\b[^>]*>[^<]*</button>", page)
        assert buttons and all("LLM" in b or "llm" in b for b in buttons), path
        assert all("title=" not in b for b in buttons), path  # no tooltip-only reason
        for button in buttons:
            reason = re.search(r'aria-describedby="([^"]+)"', button).group(1)
            assert f'id="{reason}"' in page, path
        text = visible_text(page)
        assert "LLM buttons disabled: no LLM server is configured." in text, path
        assert "Set OPENAI_API_KEY (for a local OpenAI-compatible server, also OPENAI_BASE_URL and " \
               "MOCKLOOP_LLM_MODEL) and restart mockloop." in text, path
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    for path in pages:
        page = alice.get(path).get_data(as_text=True)
        assert "no LLM server is configured" not in page and not re.search(r"<button[^>]*\bdisabled\b", page), path
