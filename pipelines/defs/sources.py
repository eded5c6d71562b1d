"""The workspace's inputs as observable source assets, versioned by content.

Each observation records a `DataVersion`: the input's content fingerprint
(`pipelines.domain.ingest.fingerprint`). Dagster compares it with the version that each
downstream asset last read, and that comparison is what makes an asset stale. The code
versions below do the same for code: an asset whose code changed is stale too.
"""

import hashlib
import warnings
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import TandemWorkspace
from pipelines.domain.ingest.fingerprint import INPUTS, input_fingerprints

# observable source assets and single-run backfills are Dagster "beta" features that Tandem
# relies on knowingly (the lock pins the version): no warning on every command
warnings.filterwarnings("ignore", message=r".*(observable_source_asset|backfill_policy).*beta",
                        category=dg.BetaWarning)

PACKAGE = Path(__file__).resolve().parents[1]
REPO = PACKAGE.parent

DESCRIPTIONS = {
    "raw_exports": "Survey exports under data/raw/surveys/<survey>/<wave>/ (content hashes).",
    "rosters": "Roster files under data/raw/roster/ and data/raw/lineage.csv (content hashes).",
    "codebooks": "Each survey's codebook.yaml, as parsed.",
    "tandem_settings": "tandem.yaml as parsed, and the pseudonym key's digest.",
}


#: One partition per wave that has an export: `<survey>/<wave>`, e.g. `engagement/2026-05`.
#: `plan_run` adds a wave's partition when its folder appears and deletes it when withdrawn.
WAVES = dg.DynamicPartitionsDefinition(name="waves")


def _source(name: str) -> dg.SourceAsset:
    @dg.observable_source_asset(name=name, group_name="inputs", description=DESCRIPTIONS[name])
    def observe(tandem: TandemWorkspace) -> dg.DataVersion:
        return dg.DataVersion(input_fingerprints(tandem.workspace()).inputs[name])

    return observe


rosters, codebooks, tandem_settings = (_source(name) for name in INPUTS)


@dg.observable_source_asset(
    name="raw_exports", partitions_def=WAVES, group_name="inputs",
    description=DESCRIPTIONS["raw_exports"],
)
def raw_exports(context, tandem: TandemWorkspace) -> dg.DataVersionsByPartition:
    known = set(context.instance.get_dynamic_partitions(WAVES.name))
    waves = input_fingerprints(tandem.workspace()).waves
    return dg.DataVersionsByPartition(
        {wave: dg.DataVersion(v) for wave, v in waves.items() if wave in known})


def code_version(*parts: str) -> str:
    """A digest of the source files that make an asset: change one and the asset is stale.

    `parts` are paths relative to the repository: folders (every .py, .sql, .yml, .yaml
    and .json file below them) or files."""
    digest = hashlib.sha256()
    for part in parts:
        path = REPO / part
        files = sorted(p for p in path.rglob("*")
                       if p.suffix in {".py", ".sql", ".yml", ".yaml", ".json"}
                       and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(REPO).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


#: What each stage's assets are made of (config/ and stats/ serve every stage).
INGEST_CODE = code_version("pipelines/domain/ingest", "pipelines/domain/state",
                           "pipelines/domain/config", "pipelines/domain/comments",
                           "docs/codebook.schema.json")
MARTS_CODE = code_version("sql", "pipelines/domain/marts", "pipelines/domain/privacy",
                          "pipelines/domain/stats", "pipelines/domain/comments",
                          "pipelines/domain/config")
PUBLISH_CODE = code_version("pipelines/domain/publish", "pipelines/domain/marts/alerts.py")
REPORT_CODE = code_version("pipelines/domain/report", "pipelines/domain/config",
                           "pipelines/domain/stats")

defs = dg.Definitions(assets=[raw_exports, rosters, codebooks, tandem_settings])
