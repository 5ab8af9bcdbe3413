"""Accounts, under /accounts/: sign-up, log-in, log-out, password reset and change, the
account page, proving the e-mail address, deleting the account."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from postings.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("verify/", views.verify_resend, name="verify_resend"),
    path("delete/", views.delete, name="delete"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:account")),
        name="password_change",
    ),
    path("signup/", views.signup, name="signup"),
    path("login/", views.RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
