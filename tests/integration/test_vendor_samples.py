"""Real vendor exports flow through the whole pipeline into the marts."""

import shutil

import pytest

from pipelines.domain.config.workspace import Workspace
from pipelines.domain.ingest.pseudonym import create_key_file
from tests.integration.conftest import DemoRun, materialize_all

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "codebooks"

# sample file (under shared/samples/vendor), codebook, survey id, wave folder, format
SAMPLES = [
    ("google_forms/exceed_pilot_study_convenience_results.csv", "exceed_pilot.yaml", "exceed_pilot",
     "pilot", "google_forms"),
    ("google_forms/rstudio_2019_Spanish_R_Community_Survey_Responses.csv", "rstudio_2019.yaml",
     "rstudio_2019", "2019", "google_forms"),
    ("limesurvey/softwaresaved_rse_2017_zaf_public_data.csv", "limesurvey_rse.yaml", "limesurvey_rse",
     "2017", "generic_csv"),
    ("surveymonkey/fivethirtyeight_StarWars.csv", "starwars.yaml", "starwars", "2014", "surveymonkey"),
]


@pytest.fixture(scope="module")
def vendor_run(tmp_path_factory, shared_dir) -> DemoRun:
    ws = Workspace(tmp_path_factory.mktemp("vendor"))
    ws.ensure_layout()
    create_key_file(ws.key_file)
    for sample, codebook, survey, wave, _ in SAMPLES:
        target = ws.surveys_dir / survey / wave
        target.mkdir(parents=True)
        shutil.copy(shared_dir / "samples" / "vendor" / sample, target)
        shutil.copy(FIXTURES / codebook, ws.surveys_dir / survey / "codebook.yaml")
    result = materialize_all(ws.home)
    assert result.success
    return DemoRun(ws, result)


def test_every_sample_is_loaded_and_accounted_for(vendor_run):
    quality = vendor_run.frame("SELECT * FROM mart_data_quality").set_index("survey_id")
    for _, _, survey, _wave, fmt in SAMPLES:
        row = quality.loc[survey]
        assert row["format"] == fmt
        assert row["status"] in {"accepted", "partly_quarantined"}, row["message"]
        assert row["rows_accepted"] > 0
        assert row["rows_read"] == (row["rows_accepted"] + row["rows_excluded"]
                                    + row["rows_quarantined"] + row["rows_rejected"])


def test_each_sample_scores_its_constructs_for_the_organisation(vendor_run):
    scores = vendor_run.frame("""
        SELECT wave_id, construct, n_respondents, score_0_100 FROM mart_team_construct_scores
        WHERE group_level = 'org' AND NOT suppressed""")
    for _, _, _, wave, _ in SAMPLES:
        part = scores[scores["wave_id"] == wave]
        assert part["construct"].nunique() >= 2, wave
        assert part["score_0_100"].between(0, 100).all()
    reliability = vendor_run.frame("SELECT * FROM mart_construct_reliability")
    assert reliability["cronbach_alpha"].notna().any()
