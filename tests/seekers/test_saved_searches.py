"""Saved searches (issue 14): any /jobs/ view saved with one click, renamed, re-timed or
deleted by its owner only; a subscription without an account confirmed by a mailed link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from postings.models import Frequency, SavedSearch
from postings.seekers.services import unsubscribe_token

pytestmark = pytest.mark.django_db


def test_one_click_saves_the_search_as_the_page_read_it_under_a_name(client, seeker, taxonomy):
    client.force_login(seeker)
    page = {"q": "ranking", "skills": "pytorch", "level": "senior", "workplace": "remote",
            "page": "3"}  # fmt: skip
    html = client.get(reverse("postings:list"), page).content.decode()
    query = re.search(r'<input type="hidden" name="query" value="([^"]*)"', html).group(1)

    response = client.post(
        reverse("seekers:saved_search_create"), {"query": query.replace("&amp;", "&")}
    )

    assert response.url == reverse("seekers:saved_searches")
    search = SavedSearch.objects.get()
    assert (search.user, search.frequency) == (seeker, Frequency.DAILY)
    assert search.query == "q=ranking&skills=pytorch&level=senior&workplace=remote"
    assert search.name == "“ranking” · PyTorch · Senior · Remote"
    assert search.confirmed_at is not None  # Sam's address is confirmed


def test_saving_the_same_search_again_keeps_the_one_saved_and_says_so(client, seeker):
    """Found by hand: each click on "Save this search" made a copy, and each copy mailed
    the same role again."""
    client.force_login(seeker)
    url = reverse("seekers:saved_search_create")
    client.post(url, {"query": "q=zebrafish"})
    first = SavedSearch.objects.get()
    client.post(reverse("seekers:saved_search_update", args=[first.pk]),
                {f"s{first.pk}-name": "Fish", f"s{first.pk}-frequency": "instant"})  # fmt: skip

    again = client.post(url, {"query": "q=zebrafish&page=2"}, follow=True)  # the same search

    assert list(SavedSearch.objects.values_list("id", "name", "frequency")) == [
        (first.pk, "Fish", Frequency.INSTANT)
    ]
    assert "You had already saved this search as Fish: you get an e-mail as soon as a " \
        "matching role is published." in again.content.decode()  # fmt: skip
    client.post(url, {"query": "q=zebrafish&workplace=remote"})  # another search is saved
    assert SavedSearch.objects.filter(user=seeker).count() == 2


def test_one_copy_of_a_search_per_owner_is_a_database_rule(seeker):
    from django.db import IntegrityError, transaction

    SavedSearch.objects.create(user=seeker, query="q=ml")
    SavedSearch.objects.create(email="vic@visitor.example", query="q=ml")
    SavedSearch.objects.create(email="ann@visitor.example", query="q=ml")
    for copy in ({"user": seeker}, {"email": "vic@visitor.example"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            SavedSearch.objects.create(query="q=ml", **copy)


def test_a_bad_value_in_the_query_is_dropped_not_saved(seeker):
    from postings.seekers.services import saved_search_create

    search = saved_search_create(user=seeker, query="level=wizard&salary_min=abc&workplace=remote")
    assert search.query == "workplace=remote"


def test_owners_rename_retime_and_delete_and_nobody_else_can(client, seeker, other_seeker):
    mine = SavedSearch.objects.create(user=seeker, name="Mine", query="workplace=remote")
    theirs = SavedSearch.objects.create(user=other_seeker, name="Theirs", query="level=senior")
    client.force_login(seeker)

    change = {f"s{mine.pk}-name": "Remote roles", f"s{mine.pk}-frequency": "weekly"}
    client.post(reverse("seekers:saved_search_update", args=[mine.pk]), change)
    mine.refresh_from_db()
    assert (mine.name, mine.frequency) == ("Remote roles", Frequency.WEEKLY)

    for url in (reverse("seekers:saved_search_update", args=[theirs.pk]),
                reverse("seekers:saved_search_delete", args=[theirs.pk])):  # fmt: skip
        answer = client.post(url, {f"s{theirs.pk}-frequency": "never"})
        assert answer.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.frequency) == ("Theirs", Frequency.DAILY)
    assert "Theirs" not in client.get(reverse("seekers:saved_searches")).content.decode()

    client.post(reverse("seekers:saved_search_delete", args=[mine.pk]))
    assert list(SavedSearch.objects.all()) == [theirs]


def test_a_visitor_subscribes_with_an_address_and_confirms_by_the_mailed_link(
    client, django_capture_on_commit_callbacks, eager_tasks
):
    answer = client.post(reverse("seekers:saved_search_create"), {"query": "workplace=remote"})
    assert answer.url == reverse("seekers:subscribe") + "?query=workplace%3Dremote"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("seekers:subscribe"),
            {"query": "workplace=remote", "email": "Vic@Visitor.example", "frequency": "weekly"},
        )
    assert "We sent a link to vic@visitor.example" in sent.content.decode()
    search = SavedSearch.objects.get()
    assert (search.user, search.email, search.confirmed_at) == (None, "vic@visitor.example", None)
    assert not SavedSearch.objects.mailing().exists()  # nothing goes out before the click

    (message,) = mail.outbox
    assert message.subject == "Confirm your job alerts: Remote"
    link = re.search(r"http://\S+/alerts/confirm/\S+/", message.body).group(0)
    confirmed = client.get(urlsplit(link).path)
    assert "Alerts confirmed" in confirmed.content.decode()
    assert SavedSearch.objects.mailing().get() == search


def test_subscribing_again_sends_the_link_again_and_makes_no_copy(
    client, django_capture_on_commit_callbacks, eager_tasks
):
    form = {"query": "workplace=remote", "email": "vic@visitor.example", "frequency": "daily"}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(reverse("seekers:subscribe"), form)
        assert "We sent a link to vic@visitor.example" in sent.content.decode()
    assert SavedSearch.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Confirm your job alerts: Remote"] * 2


def test_unsubscribing_needs_a_click_or_a_one_click_post_never_a_bare_get(client, seeker):
    search = SavedSearch.objects.create(user=seeker, name="Remote", query="workplace=remote")
    url = reverse("seekers:unsubscribe", args=[unsubscribe_token(search)])

    page = client.get(url)
    assert "Stop the alerts for <strong>Remote</strong>?" in page.content.decode()
    search.refresh_from_db()
    assert search.frequency == Frequency.DAILY

    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no session or token.
    client.logout()
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    search.refresh_from_db()
    assert search.frequency == Frequency.NEVER  # an account's search stays, without mails
    # A tampered signature (the token's own last characters: a token made now could carry
    # another second's timestamp and so other characters) is unknown.
    assert client.post(url[:-6] + "xxxxx/").status_code == 404


def test_an_address_only_subscription_is_deleted_on_unsubscribe(client):
    search = SavedSearch.objects.create(email="vic@visitor.example", name="Remote", query="")
    client.post(reverse("seekers:unsubscribe", args=[unsubscribe_token(search)]))
    assert not SavedSearch.objects.exists()
