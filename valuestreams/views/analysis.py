"""The analysis JSON of one map, for members of the map's workspace."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ..access import get_map_for_user
from ..analysis import analysis_for_map, analysis_to_dict


@require_GET
def map_analysis_json(request: HttpRequest, slug: str, map_id: int) -> JsonResponse:
    """The documented analysis JSON (times in minutes); 404 outside the user's workspaces."""
    map_obj = get_map_for_user(request, slug, map_id)
    result = analysis_for_map(map_obj.pk, version=map_obj.version)
    return JsonResponse(analysis_to_dict(result), json_dumps_params={"ensure_ascii": False})
