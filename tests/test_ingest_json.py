import json

import pytest

from screening.errors import InputError
from screening.ingest.json_manifest import parse_manifest_json

FLIGHT = {
    "carrier": "ZZ",
    "flight_number": "9",
    "departure_airport": "JFK",
    "arrival_airport": "FRA",
    "scheduled_departure": "2026-12-01T18:30:00-05:00",
    "scheduled_arrival": "2026-12-02T08:15:00+01:00",
    "transmitted_at": "2026-12-01T21:05:00Z",
}


def test_json_manifest_keeps_extra_traveller_keys_such_as_mrz(tmp_path):
    doc = {
        "manifests": [
            {
                **FLIGHT,
                "travellers": [
                    {
                        "traveller_ref": "P1",
                        "surname": "Doe",
                        "given_names": "Jane",
                        "document_number": "L898902C3",
                        "document_type": "P",
                        "mrz": ["P<UTO...", "L898902C3..."],
                    },
                    "not an object",
                ],
            }
        ]
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc))
    result = parse_manifest_json(path)
    traveller = result.manifests[0].travellers[0]
    assert traveller["mrz"] == ["P<UTO...", "L898902C3..."]
    assert traveller["traveller_type"] == "PAX"
    assert result.manifests[0].documents[0]["document_number"] == "L898902C3"
    assert [q.reason_code for q in result.quarantine] == ["TRAVELLER_UNREADABLE"]
    assert result.travellers_in == 2


def test_manifest_without_flight_key_is_quarantined_with_its_travellers(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({**FLIGHT, "carrier": None, "travellers": [{"surname": "A"}, {"surname": "B"}]}))
    result = parse_manifest_json(path)
    assert result.manifests == []
    assert result.quarantine[0].reason_code == "MISSING_FLIGHT_KEY"
    assert result.travellers_in == 2


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n "carrier": "ZZ",\n oops\n}')
    with pytest.raises(InputError, match=r"bad.json: line 3: not valid JSON"):
        parse_manifest_json(path)
