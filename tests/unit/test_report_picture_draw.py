"""The README picture's drawing carries the digest of what it shows."""

import io

from PIL import Image

from pipelines.domain.report.picture import SOURCE_KEY, content, draw, org_document, source_digest
from tests.fixtures.marts_fixture import build_marts


def test_picture_is_a_png_labelled_with_its_content(tmp_path):
    doc = org_document(build_marts(tmp_path / "marts.duckdb"))
    shown = content(doc)
    assert shown["summary"] and shown["rows"] and shown["chart"] is not None
    png = draw(doc)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1100, 1250)
        assert image.text[SOURCE_KEY] == source_digest(doc)
