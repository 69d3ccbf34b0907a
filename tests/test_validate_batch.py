"""One Great Expectations audit run per batch gives the same flags and per-manifest counts as one run per
manifest."""

from screening.ingest import parse_file
from screening.validate import validate_batch, validate_manifest


def test_batch_validation_matches_per_manifest_validation(samples):
    manifests = [m for p in sorted(samples.glob("manifest_*")) for m in parse_file(p).manifests]
    single = [validate_manifest(m) for m in manifests]
    batch = validate_batch(manifests)
    for one, together in zip(single, batch, strict=True):
        assert [f.as_row() for f in one.flags] == [f.as_row() for f in together.flags]
        assert len(one.screenable) == len(together.screenable)
        assert [q.as_row() for q in one.quarantine] == [q.as_row() for q in together.quarantine]
        counts = {e["id"]: e["unexpected_count"] for e in one.report["expectations"]}
        assert counts == {e["id"]: e["unexpected_count"] for e in together.report["expectations"]}
    gx = batch[0].report["gx"]
    assert gx["enabled"] and gx["scope"] == [m.manifest_id for m in manifests]
    assert gx["engines_agree"] is True and gx["disagreements"] == []
    for check_id, gx_count in gx["unexpected_by_expectation"].items():
        fast = sum(e["unexpected_count"] for r in batch for e in r.report["expectations"] if e["id"] == check_id)
        if check_id.startswith("traveller"):
            assert gx_count == fast, check_id
