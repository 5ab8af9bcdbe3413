"""The employer API's authentication: `Authorization: Bearer <token>` with a company's token."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from postings.employers.tokens import api_token_authenticate
from postings.models import ApiToken

WRONG_SCHEME = "Send the header as “Authorization: Bearer <token>”."


class CompanyTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple | None:
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        # Only the employer API uses this class: a header in another scheme ("Token ...",
        # "Basic ...") is a client that got the scheme wrong, so it is told the right one.
        if parts[0].lower() != self.keyword.lower().encode() or len(parts) != 2:
            raise AuthenticationFailed(WRONG_SCHEME)
        try:
            plain = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed("That token is not valid.") from None
        token = api_token_authenticate(plain)
        if token is None:
            raise AuthenticationFailed("That token is not valid, or it has been revoked.")
        # The member who made the token acts in the services (it may since have left).
        return token.created_by or AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword  # makes a missing or bad token a 401 with WWW-Authenticate


class HasCompanyToken(BasePermission):
    message = "Send a company API token: “Authorization: Bearer <token>”."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ApiToken)


class CompanyTokenScheme(OpenApiAuthenticationExtension):
    target_class = CompanyTokenAuthentication
    name = "companyToken"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A company's API token, made on the employer dashboard "
            "(Your postings → API tokens). It reaches only that company's roles.",
        }
