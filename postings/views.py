from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from postings.models import Posting
from salaries.services import posting_pay_insight

PAGE_SIZE = 20


def _get_public_posting(pk: int) -> Posting:
    """The posting with this id if the public may see it; 410 page if it has ended; else 404.

    Drafts, postings under review and rejected ones answer 404, as if they did not exist.
    """
    posting = Posting.objects.visible().select_related("company").filter(pk=pk).first()
    if posting is None:
        ended = Posting.objects.gone().select_related("company").filter(pk=pk).first()
        if ended is not None:
            raise PostingGone(ended)
        raise Http404("No such job posting.")
    return posting


class PostingGone(Exception):
    def __init__(self, posting: Posting) -> None:
        self.posting = posting


def posting_list(request: HttpRequest) -> HttpResponse:
    postings = Posting.objects.visible().newest_first().select_related("company")
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "postings/posting_list.html", {"page": page})


def posting_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    try:
        posting = _get_public_posting(pk)
    except PostingGone as gone:
        return render(request, "postings/posting_gone.html", {"posting": gone.posting}, status=410)
    if slug != posting.slug:
        return redirect(posting, permanent=True)
    context = {"posting": posting, "insight": posting_pay_insight(posting)}
    return render(request, "postings/posting_detail.html", context)
