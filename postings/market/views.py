"""The /salaries/ pages: the survey's bands (salaries) beside the pay posted on the board."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from postings.market.pay import city_chart, posted_pay, postings_paying_at_least, skill_premiums
from salaries.forms import CalculatorForm
from salaries.geography import COUNTRY_NAMES
from salaries.insights import band_charts
from salaries.models import MIN_SAMPLES
from salaries.services import band_lookup, rates_current


def salary_insights(request: HttpRequest) -> HttpResponse:
    pay = posted_pay()
    rates = sorted(rates_current().values(), key=lambda rate: rate.currency)
    return render(
        request,
        "salaries/insights.html",
        {
            "charts": band_charts(),
            "city_chart": city_chart(pay),
            "premiums": skill_premiums(pay),
            "posted_count": len(pay),
            "rates": rates,
            "min_samples": MIN_SAMPLES,
        },
    )


def salary_calculator(request: HttpRequest) -> HttpResponse:
    # Unbound until the visitor submits: a first visit shows the form, not a page of errors.
    form = CalculatorForm(request.GET) if request.GET else CalculatorForm()
    context: dict = {"form": form, "min_samples": MIN_SAMPLES}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        # Unticked "fully remote" means any workplace, not "not remote".
        match = band_lookup(
            role_family=data["role"],
            seniority=data["level"],
            country=data["country"],
            remote=True if data["remote"] else None,
        )
        context.update(match=match, country_name=COUNTRY_NAMES.get(data["country"], ""))
        if match.band is not None:
            threshold = getattr(match.band, data["percentile"])
            postings, total = postings_paying_at_least(
                threshold=threshold,
                role_family=data["role"],
                seniority=data["level"],
                country=data["country"],
                remote=data["remote"],
            )
            context.update(
                threshold=threshold,
                percentile_label=dict(form.fields["percentile"].choices)[data["percentile"]],
                postings=postings,
                posting_total=total,
            )
    return render(request, "salaries/calculator.html", context)
