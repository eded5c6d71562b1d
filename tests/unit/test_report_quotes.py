"""Quotes in the marts are distinct per group: a comment tagged with several themes, or
written twice, is quoted once."""

import pandas as pd

from pipelines.domain.comments import themes
from pipelines.domain.marts.comments import comment_marts

MULTI = "My manager never explains the goals and nobody thanks us for the extra hours."


def _inputs(texts):
    rows = [
        {"wave_id": "w1", "group_level": "org", "group_id": "Org", "response_key": f"r{i}", "text": t}
        for i, t in enumerate(texts)
    ]
    comments = pd.DataFrame(rows)
    atoms = pd.DataFrame({"response_key": comments["response_key"], "atom_id": "a1"})
    suppression = pd.DataFrame(
        [{"wave_id": "w1", "group_level": "org", "group_id": "Org", "suppressed": False}]
    )
    return comments, atoms, suppression


def test_a_comment_with_several_themes_is_quoted_once():
    assert len(themes(MULTI)) > 1  # the premise: this text carries several themes
    texts = [MULTI, MULTI, "Our laptops are five years old and take ten minutes to boot."]
    texts += [f"Filler comment number {i} about the weather." for i in range(8)]
    _themes, quotes = comment_marts(*_inputs(texts), k_comments=3)
    assert not quotes.empty
    per_group = quotes.groupby(["wave_id", "group_level", "group_id"])["text"]
    assert per_group.apply(lambda s: s.is_unique).all()
    assert (quotes["text"] == MULTI).sum() == 1


def test_a_report_quotes_near_copies_once():
    from pipelines.domain.report.guidance import quote_key

    a = quote_key("I know exactly what is expected of me lately.")
    assert a == quote_key("I know exactly what is expected of me this quarter.")
    assert a != quote_key("I know exactly who to ask when I am stuck.")
    assert quote_key("Too much!") == "too much"
