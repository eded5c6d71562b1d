"""The demo's marts equal the golden marts saved before the redesign.

Keys and labels are equal; every figure equals the golden value to the digits
that the golden build stored (the old marts rounded; the new ones keep full
precision). Differences that a fix intends are named below with their reasons:
INTENDED (columns or whole tables) and SUPPRESSION_CHOICE (groups).
"""

from pathlib import Path

from tests.golden.golden import compare

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "demo"

#: golden column -> new column, for columns renamed on purpose (none yet)
RENAMED: dict[str, str] = {}
#: columns whose values changed on purpose, with the reason
INTENDED = {
    "mart_alerts.message": "names the construct in words (Clarity of expectations), not its code",
    "mart_comment_themes.mean_sentiment": "sentiment rules read the demo's mislabelled phrasings "
                                          "with the right polarity (docs/comments.md)",
    "mart_comments.*": "each text is quoted once per group, so other comments fill the three "
                       "quotes per theme (the old table repeated the same text up to 3 times)",
    "mart_team_changes.p_value": "issue 19: partially overlapping t-test with Hsu's df "
                                 "(docs/change-detection.md)",
    "mart_team_changes.q_value": "issue 19: the BH family is one group's own constructs",
    "mart_team_changes.change": "issue 19: follows the new p and q",
    "mart_alerts.*": "issue 19: significant-drop alerts follow mart_team_changes.change",
}


#: groups whose complementary suppression changed on purpose, with the reason. The
#: disclosure search now works department by department (linear in the number of
#: groups); its greedy choice in 2025-11 hides Operations / Austin (24 respondents)
#: where the whole-wave search hid Finance / Austin (23). Either protects the small
#: groups (the attack test derives nothing below k); as many groups are hidden.
SUPPRESSION_CHOICE = {
    ("2025-11", "location", "Finance / Austin"): "was hidden to protect a smaller group, now shown",
    ("2025-11", "location", "Operations / Austin"): "was shown, now hidden to protect a smaller group",
}


def test_demo_marts_equal_golden(demo_run):
    assert compare(demo_run.ws.marts_file, GOLDEN, RENAMED, INTENDED, SUPPRESSION_CHOICE) == []


def test_the_changed_suppression_choice_hides_as_many_groups(demo_run):
    """Of the two groups, exactly one is hidden, in the golden build and in the new one."""
    hidden = {row[0]: row[1] for row in demo_run.query("""
        SELECT group_id, suppressed FROM mart_team_construct_scores
        WHERE wave_id = '2025-11' AND group_level = 'location' AND construct = 'trust'
          AND group_id IN ('Finance / Austin', 'Operations / Austin')""")}
    assert sorted(hidden.values()) == [False, True]
    golden = demo_run.query(f"""
        SELECT count(*) FILTER (WHERE suppressed) FROM '{GOLDEN}/mart_team_construct_scores.parquet'
        WHERE construct = 'trust'""")[0][0]
    now = demo_run.query("""
        SELECT count(*) FILTER (WHERE suppressed) FROM mart_team_construct_scores
        WHERE construct = 'trust'""")[0][0]
    assert now == golden
