"""The demo logins `make run` creates and prints. Local demo data only: never in production."""

from typing import NamedTuple


class DemoLogin(NamedTuple):
    email: str
    password: str
    role: str
    is_staff: bool


DEMO_LOGINS = (
    DemoLogin("admin@mljobs.example", "demo-admin-password", "admin: /admin/ and moderation", True),
    DemoLogin("employer@mljobs.example", "demo-employer-password", "employer", False),
    DemoLogin("seeker@mljobs.example", "demo-seeker-password", "job seeker", False),
)
