"""Graph's error body, for every answer that is not a success: {"error": {"code", "message", "innerError"}}."""

import uuid

from django.http import JsonResponse
from django.utils import timezone


class GraphError(Exception):
    """An answer in Graph's error shape: its HTTP status, Graph's code and a message for the developer."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(error: GraphError, client_request_id: str = "") -> JsonResponse:
    body = {
        "error": {
            "code": error.code,
            "message": error.message,
            "innerError": {
                "date": timezone.now().strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": str(uuid.uuid4()),
                "client-request-id": client_request_id or str(uuid.uuid4()),
            },
        }
    }
    response = JsonResponse(body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def bad_request(message: str) -> GraphError:
    return GraphError(400, "BadRequest", message)


def not_found(message: str = "The requested resource does not exist.") -> GraphError:
    return GraphError(404, "ResourceNotFound", message)


def conflict(message: str) -> GraphError:
    """A change the object's current status does not allow (Graph: 409 Conflict, "the current state conflicts with
    what the request expects")."""
    return GraphError(409, "Conflict", message)
