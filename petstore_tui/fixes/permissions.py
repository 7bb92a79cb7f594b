"""Tell a permission refusal from other errors: AWS's AccessDenied/UnauthorizedOperation codes, HTTP 403, and Kubernetes' Forbidden (RBAC)."""

from __future__ import annotations

DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden",
                "UnauthorizedAccess", "AuthorizationError"}


def denial(exc: BaseException) -> tuple[str, str] | None:
    """(code, message) when `exc` is a permission refusal, else None."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):  # botocore ClientError
        error = response.get("Error") or {}
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        code = str(error.get("Code") or "")
        if code in DENIED_CODES or (status == 403 and code not in ("InvalidClientTokenId", "SignatureDoesNotMatch",
                                                                   "ExpiredToken")):
            return code or "403", str(error.get("Message") or "")
        return None
    if getattr(exc, "status", None) == 403:  # kubernetes ApiException
        import json

        try:
            message = json.loads(getattr(exc, "body", "") or "{}").get("message", "")
        except ValueError:
            message = str(getattr(exc, "reason", ""))
        return "Forbidden", str(message)
    return None
