from __future__ import annotations

import json
import os
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Every claim in the ID token and userinfo, as an organization's provider sends them: the
    email (verified), the name, and what the test gives the person in OP_CLAIMS."""

    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        extra = json.loads(os.environ.get("OP_CLAIMS", "{}")).get(user.username, {})
        return {
            "email": user.email,
            "email_verified": True,
            "name": f"{user.first_name} {user.last_name}".strip(),
            **extra,
        }
