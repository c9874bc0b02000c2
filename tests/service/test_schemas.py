"""The API's assessment schemas are derived from the library's dataclasses, so they follow them."""

from __future__ import annotations

import dataclasses
from typing import Any

from service_testing import Service

from screener.assessment import Assessment, IndicatorResult, TopTerm
from screener.vocabulary import Scope
from service.schemas import public_model


def _field_names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_openapi_describes_every_field_of_the_dataclasses(service: Service) -> None:
    schemas: dict[str, Any] = service.client.get("/openapi.json").json()["components"]["schemas"]
    fields = _field_names(Assessment)
    assert set(schemas["ScorePublic"]["properties"]) == fields | {"source", "check_id"}
    assert set(schemas["ScorePublic"]["required"]) == fields - {"source"}  # source: links and images only
    assert set(schemas["SavedAssessmentPublic"]["properties"]) == fields
    for cls in (IndicatorResult, TopTerm):
        component = schemas[f"{cls.__name__}Public"]
        assert set(component["properties"]) == set(component["required"]) == _field_names(cls)


def test_a_field_added_to_the_library_appears_without_a_change_in_the_service() -> None:
    @dataclasses.dataclass(frozen=True)
    class Extended(Assessment):  # what a colleague's new fields look like
        second_scope: Scope = Scope.OFFER
        second_probability: float = 1.0
        notes: tuple[TopTerm, ...] = ()

    model = public_model(Extended)
    properties = model.model_json_schema()["properties"]
    assert set(properties) == _field_names(Assessment) | {"second_scope", "second_probability", "notes"}
    assert properties["notes"]["type"] == "array"
    assert properties["risk"]["description"] == "Calibrated probability that the ad is risky."


def test_saved_checks_tolerate_fields_added_after_they_were_saved(service: Service) -> None:
    from service.schemas import SavedAssessmentPublic

    assert not SavedAssessmentPublic.model_json_schema().get("required")
    assert SavedAssessmentPublic.model_validate({"risk": 0.5}).risk == 0.5
