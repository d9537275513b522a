"""Machine twins: one view answers HTML or JSON, chosen by ``?format=`` or by ``Accept``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from webapp.http.negotiation import MEDIA_TYPES, UnknownFormat, pick_format


def request_format(formats: Sequence[str]) -> str:
    """The format this request asks for among ``formats``.

    Raises:
        BadRequest: for an unknown ``?format=`` value.
        NotAcceptable: when ``Accept`` rules out every format.
    """
    try:
        chosen = pick_format(request.headers.get("Accept"), request.args.get("format"), formats)
    except UnknownFormat as err:
        raise BadRequest(str(err)) from err
    if chosen is None:
        offered = ", ".join(MEDIA_TYPES[name] for name in formats)
        raise NotAcceptable(f"this page is available as {offered}")
    return chosen


def render_twin(
    formats: Sequence[str], template: str, data: Mapping[str, Any], status: int = 200
) -> Response:
    """Render ``data`` as JSON or through ``template`` (which receives it as ``data``)."""
    if request_format(formats) == "json":
        response = jsonify(dict(data))
    else:
        response = Response(render_template(template, data=data), mimetype="text/html")
    response.status_code = status
    if not request.args.get("format"):
        response.vary.add("Accept")
    return response
