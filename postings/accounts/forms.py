"""Account forms: sign-up, log-in with the e-mail address, password reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from postings.accounts import services
from postings.forms import LabelsMixin

User = get_user_model()


class SignUpForm(LabelsMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="You log in with this address; alerts, password resets and invitations go to "
        "it. We mail a link to confirm it.",
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="The same password, to catch typing mistakes.",
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists():
            raise ValidationError(
                "An account with this e-mail already exists. Log in, or reset the password "
                "if you have forgotten it."
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        elif p1:
            # Run the validators against the would-be user, so "too similar to the e-mail"
            # is caught too.
            probe = User(username=data.get("email", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailAuthenticationForm(LabelsMixin, AuthenticationForm):
    """Log in with the e-mail address (it is the username)."""

    username = forms.CharField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail and password do not match an account. Passwords are "
        "case-sensitive.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class QueuedPasswordResetForm(LabelsMixin, PasswordResetForm):
    """Django's reset form, but the e-mail is sent by a task after commit, not in the
    request; the task makes the token."""

    def save(self, *, domain_override: str | None = None, use_https: bool = False,
             request: Any = None, **kwargs: Any) -> None:  # fmt: skip
        domain = domain_override or (request.get_host() if request else "localhost")
        services.password_reset_enqueue(
            email=self.cleaned_data["email"], domain=domain, use_https=use_https
        )
