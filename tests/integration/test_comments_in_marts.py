"""Comment themes in the marts: planted themes recovered, small groups never shown."""

import json

import pandas as pd


def test_planted_comment_themes_are_recovered(demo_run):
    planted = json.loads((demo_run.ws.home / "data" / "demo_truth" / "planted.json").read_text())
    themes = demo_run.frame("""
        SELECT wave_id, group_id AS team, theme, n_comments FROM mart_comment_themes
        WHERE group_level = 'team'""")
    hits, total = 0, 0
    for (wave, team), part in themes.groupby(["wave_id", "team"]):
        truth = planted["comment_themes"].get(wave, {}).get(team)
        if not truth:
            continue
        top_two = set(part.sort_values(["n_comments", "theme"], ascending=[False, True])["theme"].head(2))
        total += 1
        hits += truth["primary"] in top_two
    assert total >= 20, "enough teams reach the comment threshold to judge"
    agreement = hits / total
    print(f"planted primary theme among the top two themes: {hits}/{total} = {agreement:.2f}")
    assert agreement >= 0.8


def test_no_comment_or_theme_for_a_group_below_the_comment_threshold(demo_run):
    k_comments = demo_run.ws.settings().comment_min_group_size
    themes = demo_run.frame("SELECT * FROM mart_comment_themes")
    assert not themes.empty
    commenters = (themes["n_comments"] / themes["share"]).round()
    assert (commenters >= k_comments).all()
    shown = set(map(tuple, themes[["wave_id", "group_level", "group_id"]].drop_duplicates().to_numpy()))
    quotes = demo_run.frame("SELECT * FROM mart_comments")
    assert set(map(tuple, quotes[["wave_id", "group_level", "group_id"]].drop_duplicates().to_numpy())) <= shown
    sizes = demo_run.frame("""
        SELECT DISTINCT wave_id, group_level, group_id, n_respondents, suppressed
        FROM mart_team_construct_scores WHERE construct = 'trust'""")
    merged = pd.DataFrame(sorted(shown), columns=["wave_id", "group_level", "group_id"]).merge(
        sizes, on=["wave_id", "group_level", "group_id"], how="left")
    assert not merged["suppressed"].any()
    assert (merged["n_respondents"] >= k_comments).all()


def test_quoted_comments_are_masked_and_stored_as_text(demo_run):
    quotes = demo_run.frame("SELECT text FROM mart_comments")["text"]
    assert not quotes.str.contains(r"[\w.+-]+@[\w-]+\.\w", regex=True).any()
    for report in demo_run.ws.reports_dir.rglob("*.html"):
        html = report.read_text(encoding="utf-8")
        assert "<script>alert" not in html
