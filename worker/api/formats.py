"""Response formats shared by the list endpoints: JSON, CSV (a download) or GeoJSON."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Response
from fastapi.responses import JSONResponse

Format = Literal["json", "csv", "geojson"]
GEOJSON = "application/geo+json"


def csv_response(text: str, name: str, next_cursor: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    # A BOM so that spreadsheet programs read the Arabic as UTF-8.
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers=headers)


def geojson_response(collection: dict[str, Any], next_cursor: str | None = None) -> Response:
    from fastapi.encoders import jsonable_encoder

    headers = {"X-Next-Cursor": next_cursor} if next_cursor else None
    return JSONResponse(jsonable_encoder(collection), media_type=GEOJSON, headers=headers)


def format_responses(model: Any) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: the JSON model, and the CSV and GeoJSON forms of ``format=``."""
    return {200: {"model": model, "content": {"text/csv": {"schema": {"type": "string"}},
                                              GEOJSON: {"schema": {"type": "object"}}}}}
