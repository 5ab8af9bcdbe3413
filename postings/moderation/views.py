"""The moderation queue: everything waiting for review, oldest first, decided in one step
(one item, or a bulk selection). Staff only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from postings.employers.permissions import staff_required
from postings.moderation.services import queue_decide, review_queue


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        keys, approve, reason = _decision(request)
        try:
            done, problems = queue_decide(
                keys=keys, approve=approve, reviewer=request.user, reason=reason
            )
        except ValidationError as error:
            # Shown above the queue, with every reason typed so far still in its box.
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            verb = "Approved" if approve else "Rejected"
            if done:
                messages.success(request, f"{verb} {done} item{'s' if done != 1 else ''}.")
            for problem in problems:
                messages.warning(request, problem)
            if not keys:
                messages.warning(request, "Select at least one item.")
            return redirect("moderation:queue")
    context = {
        "items": review_queue(),
        "typed": request.POST,
        "selected": request.POST.getlist("selected"),
    }
    return render(request, "postings/moderation/queue.html", context, status=status)


def _decision(request: HttpRequest) -> tuple[list[str], bool, str]:
    """(item keys, approve?, reason) from either a row's button or the bulk buttons."""
    one = request.POST.get("decide", "")
    if one:
        action, _, key = one.partition(":")
        return [key], action == "approve", request.POST.get(f"reason-{key}", "")
    action = request.POST.get("bulk", "")
    keys = request.POST.getlist("selected")
    return keys, action == "approve", request.POST.get("bulk_reason", "")
