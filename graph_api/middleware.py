"""Every answer of the API in its own shape, including those given before any of its views runs."""

import re
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse

from .errors import GraphError, error_response

_TOKEN = re.compile(r"^/[^/]+/oauth2/v2\.0/token$")


class ApiErrorShapeMiddleware:
    """The portal answers some requests before a view sees them: a NUL character or a body over Django's limits
    (400), an unknown address (404). Its pages say so in HTML, which a tool calling the API cannot read; under /v1.0/
    the answer becomes Graph's error body, and at the token endpoint OAuth 2.0's, with the same status. First in
    MIDDLEWARE, so that it sees the answers of every middleware after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        path = request.path_info
        if path.startswith("/v1.0/"):
            code = {400: "BadRequest", 404: "ResourceNotFound", 405: "Request_BadRequest"}.get(
                response.status_code, "UnknownError"
            )
            answer = error_response(
                GraphError(response.status_code, code, response.reason_phrase or "The request was refused."),
                request.headers.get("client-request-id", "") or str(uuid.uuid4()),
            )
        elif _TOKEN.match(path):
            answer = JsonResponse(
                {"error": "invalid_request", "error_description": response.reason_phrase or "Not a valid request."},
                status=response.status_code,
            )
        else:
            return response
        for header in ("Allow", "Retry-After"):
            if header in response:
                answer[header] = response[header]
        return answer
