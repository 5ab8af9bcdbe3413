"""Account pages: sign-up, log-in, password reset, the account page, proving an e-mail
address and deleting an account. Thin: a form validates, a service writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from postings import ratelimits
from postings.accounts import services
from postings.accounts.forms import EmailAuthenticationForm, QueuedPasswordResetForm, SignUpForm
from postings.employers.services import membership_for
from postings.matching.services import account_skill_ids
from postings.models import SavedJob, SavedSearch
from skills.services import skill_index


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    status = 200
    form = SignUpForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST":
        if ratelimits.rate_limited(request, ratelimits.SIGN_UP):
            form.add_error(None, ratelimits.MESSAGE)
            status = ratelimits.STATUS
        elif form.is_valid():
            try:
                user = services.user_sign_up(
                    email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                services.verification_enqueue(user=user)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    f"Welcome! Your account is ready. We mailed a link to {user.email}: click "
                    "it to confirm the address, so alerts can reach you.",
                )
                return redirect(_next_url(request, reverse("accounts:account")))
    context = {"form": form, "next": _next_url(request, "")}
    return render(request, "registration/signup.html", context, status=status)


class _RateLimitedPost:
    """A form view whose POST is refused, with the form and the limit's message, once
    `rate_limit` is reached. Mixed in before the Django auth view it limits."""

    rate_limit: list[ratelimits.Rule]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if ratelimits.rate_limited(request, self.rate_limit):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, ratelimits.MESSAGE)
            # What was typed (a password) is never sent back into the page.
            return self.render_to_response(
                self.get_context_data(form=form), status=ratelimits.STATUS
            )
        return super().post(request, *args, **kwargs)


class RateLimitedLoginView(_RateLimitedPost, auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True
    rate_limit = ratelimits.LOG_IN

    def get_default_redirect_url(self) -> str:
        # Employers go to their postings; everyone else to their account.
        if membership_for(self.request.user) is not None:
            return reverse("employers:dashboard")
        return reverse("accounts:account")


class RateLimitedPasswordResetView(_RateLimitedPost, auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    rate_limit = ratelimits.PASSWORD_RESET


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "verified": services.is_verified(user),
        "membership": membership_for(user),
        "saved_jobs": SavedJob.objects.filter(user=user).count(),
        "saved_searches": SavedSearch.objects.filter(user=user).count(),
        "my_skills": skill_index().active_refs(account_skill_ids(user)),
    }
    return render(request, "registration/account.html", context)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    user = services.account_verify(token=token)
    if user is None:
        return render(request, "registration/verify_invalid.html", status=400)
    messages.success(request, f"Thank you: {user.email} is confirmed. Alerts can reach you now.")
    if request.user.is_authenticated:
        return redirect("accounts:account")
    return redirect("accounts:login")


@require_POST
@login_required
def verify_resend(request: HttpRequest) -> HttpResponse:
    if ratelimits.rate_limited(request, ratelimits.VERIFY_RESEND):
        messages.error(request, ratelimits.MESSAGE)
    elif services.is_verified(request.user):
        messages.info(request, "Your e-mail address is confirmed already.")
    else:
        services.verification_enqueue(user=request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("accounts:account")


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        email = user.email
        services.account_delete(user=user)
        logout(request)
        messages.success(request, f"The account {email} and everything it saved are deleted.")
        return redirect("postings:list")
    membership = membership_for(user)
    last_member = membership is not None and not (
        membership.company.memberships.exclude(user=user).exists()
    )
    context = {"form": form, "membership": membership, "last_member": last_member}
    return render(request, "registration/account_delete.html", context)
