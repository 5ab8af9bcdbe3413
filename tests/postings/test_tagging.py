"""Tagging postings: idempotent, provenance kept, removals respected; the tagging bridge
follows taxonomy changes (re-tag once per version, merged skills folded) and never loses a
posting to a broker outage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.utils import timezone

from postings.models import Posting, PostingSkill, PostingTagState, Source, SyncMark
from postings.tagging import tasks
from postings.tagging.services import merged_skills_fold, postings_tag, retag_claim
from postings.tagging.tasks import sweep_untagged
from skills.models import Alias, Skill
from skills.services import skill_merge, taxonomy_changed, taxonomy_version
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def _tags(posting: Posting) -> dict[str, str]:
    return dict(PostingSkill.objects.filter(posting=posting).values_list("skill__slug", "source"))


def test_tagging_stores_extracted_skills_and_the_indexed_copy(taxonomy):
    posting = PostingFactory(description="You will ship PyTorch models on k8s, written in Python.")

    assert postings_tag(posting_ids=[posting.pk]) == 1

    posting.refresh_from_db()
    assert _tags(posting) == {
        "pytorch": "extracted",
        "kubernetes": "extracted",
        "python": "extracted",
    }
    assert sorted(posting.skill_ids) == sorted(
        taxonomy[s].pk for s in ("pytorch", "kubernetes", "python")
    )
    assert posting.tag_state.taxonomy_version == taxonomy_version()
    assert posting.tag_state.text_at == posting.text_updated_at
    assert posting.search_text_at == posting.text_updated_at
    assert Posting.objects.filter(
        pk=posting.pk, search_vector=SearchQuery("pytorch", config="english")
    ).exists()


def test_tagging_twice_gives_the_same_rows(taxonomy):
    posting = PostingFactory(description="PyTorch and Python")
    postings_tag(posting_ids=[posting.pk])
    first = sorted(PostingSkill.objects.values_list("posting", "skill", "source"))
    postings_tag(posting_ids=[posting.pk, posting.pk])
    assert sorted(PostingSkill.objects.values_list("posting", "skill", "source")) == first


def test_a_skill_an_admin_removed_is_not_added_back(taxonomy):
    posting = PostingFactory(description="PyTorch and Python")
    PostingSkill.objects.create(
        posting=posting, skill=taxonomy["python"], source=Source.REMOVED, taxonomy_version=1
    )
    PostingSkill.objects.create(
        posting=posting, skill=taxonomy["kubernetes"], source=Source.EMPLOYER, taxonomy_version=1
    )

    postings_tag(posting_ids=[posting.pk])

    posting.refresh_from_db()
    assert _tags(posting) == {"python": "removed", "kubernetes": "employer", "pytorch": "extracted"}
    assert sorted(posting.skill_ids) == sorted([taxonomy["kubernetes"].pk, taxonomy["pytorch"].pk])


def test_an_edited_text_replaces_the_extracted_skills(taxonomy):
    posting = PostingFactory(description="PyTorch")
    postings_tag(posting_ids=[posting.pk])
    Posting.objects.filter(pk=posting.pk).update(
        description="Kubernetes only", text_updated_at=timezone.now()
    )
    postings_tag(posting_ids=[posting.pk])
    assert _tags(posting) == {"kubernetes": "extracted"}


def test_ambiguous_aliases_need_technical_context(taxonomy):
    rnd = PostingFactory(description="Join our R&D team, a go-getter culture.")
    lang = PostingFactory(description="Experience with R and Python for statistics.")
    postings_tag(posting_ids=[rnd.pk, lang.pk])
    assert "r" not in _tags(rnd)
    assert _tags(lang).get("r") == "extracted"


@pytest.mark.parametrize(
    "description",
    [
        "",
        "Python " * 150_000,  # about 1 MB
        "Wir suchen Python-Entwickler 🚀 für 機械学習 mit PyTorch",
        "<p onclick='x'>PyTorch</p><script>k8s()</script>",
    ],
)
def test_unusual_descriptions_are_tagged_without_error(taxonomy, description):
    posting = PostingFactory(description=description)
    postings_tag(posting_ids=[posting.pk])
    assert PostingTagState.objects.get(posting=posting).taxonomy_version == taxonomy_version()


def test_the_sweep_finds_untagged_stale_and_outdated_postings(
    taxonomy, django_capture_on_commit_callbacks
):
    from postings.tagging import tasks

    fresh, stale_text, old_taxonomy, untagged = PostingFactory.create_batch(4)
    postings_tag(posting_ids=[fresh.pk, stale_text.pk, old_taxonomy.pk])
    Posting.objects.filter(pk=stale_text.pk).update(
        text_updated_at=timezone.now() + timedelta(seconds=1)
    )
    PostingTagState.objects.filter(posting=old_taxonomy).update(taxonomy_version=0)

    needing = set(Posting.objects.needing_tags(taxonomy_version()).values_list("pk", flat=True))
    assert needing == {stale_text.pk, old_taxonomy.pk, untagged.pk}

    queued = []
    tasks.tag_postings_batch.apply_async = lambda args, queue: queued.append((args, queue))
    try:
        assert sweep_untagged() == 3
    finally:
        del tasks.tag_postings_batch.apply_async
    assert queued == [(([stale_text.pk, old_taxonomy.pk, untagged.pk],), "retag")]


def test_a_taxonomy_change_marks_every_posting_for_retagging(taxonomy):
    posting = PostingFactory()
    postings_tag(posting_ids=[posting.pk])
    assert not Posting.objects.needing_tags(taxonomy_version()).exists()
    taxonomy_changed()
    assert list(Posting.objects.needing_tags(taxonomy_version())) == [posting]


def test_a_range_retag_touches_only_stale_postings(taxonomy):
    done, stale = PostingFactory.create_batch(2, description="PyTorch")
    postings_tag(posting_ids=[done.pk])
    tagged_at = PostingTagState.objects.get(posting=done).tagged_at

    assert postings_tag(id_range=(done.pk, stale.pk + 1), only_stale=True) == 1

    assert PostingTagState.objects.get(posting=stale).taxonomy_version == taxonomy_version()
    assert PostingTagState.objects.get(posting=done).tagged_at == tagged_at


def test_a_posting_saved_while_the_broker_is_down_keeps_its_tagging_task_for_the_relay(
    taxonomy, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from kombu.exceptions import OperationalError

    from postings.models import QueuedTask
    from postings.queueing import relay_queued
    from postings.tagging import tasks
    from postings.tagging.services import posting_enqueue_tagging

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.tag_posting, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        posting = PostingFactory(description="PyTorch")
        posting_enqueue_tagging(posting_id=posting.pk)

    assert Posting.objects.filter(pk=posting.pk).exists()
    assert f"could not send postings.tagging.tasks.tag_posting({posting.pk},) now" in caplog.text
    queued = QueuedTask.objects.get()
    assert (queued.task, queued.args) == ("postings.tagging.tasks.tag_posting", [posting.pk])
    assert list(Posting.objects.needing_tags(taxonomy_version())) == [posting]

    # The broker is still away: the relay counts the attempt and keeps the row.
    assert relay_queued(older_than=timedelta(0)) == 0
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert "Connection refused" in queued.last_error

    # Back: the relay sends it once and forgets it.
    sent = []
    monkeypatch.setattr(tasks.tag_posting, "apply_async", lambda args, **kw: sent.append(args))
    assert relay_queued(older_than=timedelta(0)) == 1
    assert sent == [(posting.pk,)]
    assert not QueuedTask.objects.exists()


def test_merged_skills_fold_onto_their_target_keeping_the_strongest_row(taxonomy):
    torch = Skill.objects.create(
        slug="torch-lua", name="Torch (Lua)", category=taxonomy["pytorch"].category
    )
    Alias.objects.create(skill=torch, text="Torch (Lua)", key="torch lua", is_canonical=True)
    both = PostingFactory(description="PyTorch")
    only_source = PostingFactory(description="")
    removed_and_employer = PostingFactory(description="")
    for posting in (both, only_source):
        PostingSkill.objects.create(
            posting=posting, skill=torch, source=Source.EMPLOYER, taxonomy_version=1
        )
    # Two skills merged into one target on the same posting: the admin's removal stands.
    PostingSkill.objects.create(
        posting=removed_and_employer, skill=torch, source=Source.EMPLOYER, taxonomy_version=1
    )
    PostingSkill.objects.create(
        posting=removed_and_employer, skill=taxonomy["kubernetes"], source=Source.REMOVED,
        taxonomy_version=1,
    )  # fmt: skip
    postings_tag(posting_ids=[both.pk])
    Posting.objects.filter(pk=only_source.pk).update(skill_ids=[torch.pk])

    skill_merge(source=torch, target=taxonomy["pytorch"])
    skill_merge(source=taxonomy["kubernetes"], target=taxonomy["pytorch"])
    assert merged_skills_fold() == 2  # the two postings whose indexed arrays held Torch (Lua)

    assert _tags(both) == {"pytorch": "extracted"}
    assert _tags(only_source) == {"pytorch": "employer"}
    assert _tags(removed_and_employer) == {"pytorch": "removed"}
    only_source.refresh_from_db()
    both.refresh_from_db()
    assert only_source.skill_ids == both.skill_ids == [taxonomy["pytorch"].pk]
    assert merged_skills_fold() == 0  # nothing left: safe to run again


def test_a_taxonomy_version_is_claimed_for_a_retag_once(taxonomy):
    version = retag_claim()
    assert version == taxonomy_version()
    assert retag_claim() is None
    assert SyncMark.objects.get(name=SyncMark.Name.TAXONOMY).mark == str(version)
    taxonomy_changed()
    assert retag_claim() == version + 1


def test_following_a_taxonomy_change_queues_every_id_range_once(taxonomy, monkeypatch):
    postings = PostingFactory.create_batch(3)
    queued = []
    monkeypatch.setattr("postings.tagging.services.RETAG_BATCH", 2)
    monkeypatch.setattr(
        tasks.tag_postings_range, "apply_async", lambda args, queue: queued.append((args, queue))
    )

    assert tasks.follow_taxonomy() == 2

    lo = postings[0].pk
    assert queued == [((lo, lo + 2), "retag"), ((lo + 2, lo + 4), "retag")]
    queued.clear()
    assert tasks.follow_taxonomy() == 0  # claimed already
    assert queued == []
    taxonomy_changed()
    assert tasks.follow_taxonomy() == 2


def test_a_claim_whose_batches_could_not_be_queued_is_released(taxonomy, monkeypatch):
    from kombu.exceptions import OperationalError

    PostingFactory()

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(tasks.tag_postings_range, "apply_async", broker_down)
    with pytest.raises(OperationalError):
        tasks.follow_taxonomy()
    monkeypatch.undo()
    assert retag_claim() == taxonomy_version()


def test_the_candidate_queue_is_mined_from_the_newest_postings(taxonomy):
    from postings.tagging.services import candidates_refresh_from_postings
    from skills.models import SkillCandidate

    PostingFactory(description="An older one: Megatron with PyTorch, Megatron and Megatron.")
    for _ in range(3):
        PostingFactory(description="Train models with PyTorch, DeepSpeed and Triton.")
    newest_three = 3

    assert candidates_refresh_from_postings(recent=newest_three) >= 1

    assert SkillCandidate.objects.get(key="deepspeed").posting_count == 3
    assert not SkillCandidate.objects.filter(key="megatron").exists()


def test_with_everything_folded_the_periodic_fold_costs_two_small_queries(
    taxonomy, django_assert_num_queries
):
    skill_merge(source=taxonomy["kubernetes"], target=taxonomy["python"])
    merged_skills_fold()
    with django_assert_num_queries(2):  # the merged skills, and whether any row names one
        assert merged_skills_fold() == 0
