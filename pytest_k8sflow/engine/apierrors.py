"""API errors shaped like the Kubernetes apiserver's StatusError."""

from __future__ import annotations

from pytest_k8sflow.errors import K8sflowError


class ApiError(K8sflowError):
    """A request the simulated apiserver refused.

    ``reason`` is the metav1.StatusReason (NotFound, AlreadyExists, Invalid, Conflict,
    Forbidden, BadRequest, ...), ``code`` the HTTP code and ``message`` the text the
    apiserver returns; kubectl prints it as ``Error from server (<reason>): <message>``.
    """

    def __init__(self, reason: str, message: str, code: int) -> None:
        self.reason = reason
        self.message = message
        self.code = code
        super().__init__(message)

    def kubectl_text(self) -> str:
        return f"Error from server ({self.reason}): {self.message}"


def resource_ref(plural: str, group: str) -> str:
    """``deployments.apps`` / ``pods``: how StatusErrors name a resource."""
    return f"{plural}.{group}" if group else plural


def not_found(plural: str, group: str, name: str) -> ApiError:
    return ApiError("NotFound", f'{resource_ref(plural, group)} "{name}" not found', 404)


def already_exists(plural: str, group: str, name: str) -> ApiError:
    return ApiError("AlreadyExists", f'{resource_ref(plural, group)} "{name}" already exists', 409)


def conflict(plural: str, group: str, name: str, detail: str) -> ApiError:
    return ApiError(
        "Conflict",
        f'Operation cannot be fulfilled on {resource_ref(plural, group)} "{name}": {detail}',
        409,
    )


def invalid(kind: str, group: str, name: str, causes: list[str]) -> ApiError:
    """k8s apierrors.NewInvalid: ``Deployment.apps "web" is invalid: <field>: <detail>``."""
    qualified = f"{kind}.{group}" if group else kind
    text = causes[0] if len(causes) == 1 else "[" + ", ".join(causes) + "]"
    return ApiError("Invalid", f'{qualified} "{name}" is invalid: {text}', 422)


def forbidden(plural: str, group: str, name: str, detail: str) -> ApiError:
    return ApiError(
        "Forbidden", f'{resource_ref(plural, group)} "{name}" is forbidden: {detail}', 403
    )


def bad_request(message: str) -> ApiError:
    return ApiError("BadRequest", message, 400)
