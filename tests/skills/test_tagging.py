"""Loading the taxonomy and tagging postings: idempotent, provenance kept, removals respected."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from postings.models import Posting
from skills.extraction import Taxonomy
from skills.models import Alias, PostingSkill, PostingTagState, Skill, Source
from skills.services import (
    alias_create,
    postings_tag,
    taxonomy_bump,
    taxonomy_load,
    taxonomy_version,
)
from skills.tasks import sweep_untagged
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

SMALL = {
    "version": 1,
    "categories": [
        {"slug": "language", "name": "Programming language"},
        {"slug": "framework", "name": "ML framework"},
        {"slug": "technique", "name": "ML technique"},
        {"slug": "cloud", "name": "Cloud and MLOps"},
    ],
    "skills": [
        {"slug": "python", "name": "Python", "category": "language"},
        {
            "slug": "r",
            "name": "R",
            "category": "language",
            "aliases": [{"text": "R", "case_sensitive": True, "needs_context": True}],
        },
        {"slug": "deep-learning", "name": "Deep learning", "category": "technique"},
        {
            "slug": "pytorch",
            "name": "PyTorch",
            "category": "framework",
            "parent": "deep-learning",
            "aliases": ["torch"],
        },
        {"slug": "kubernetes", "name": "Kubernetes", "category": "cloud", "aliases": ["k8s"]},
    ],
}


@pytest.fixture
def taxonomy():
    result = taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL))
    assert (result.skills, result.collisions) == (5, [])
    return {s.slug: s for s in Skill.objects.all()}


def _tags(posting: Posting) -> dict[str, str]:
    return dict(PostingSkill.objects.filter(posting=posting).values_list("skill__slug", "source"))


def test_loading_twice_adds_nothing_and_keeps_admin_edits(taxonomy):
    version = taxonomy_version()
    Skill.objects.filter(slug="python").update(name="Python 3", description="edited")

    again = taxonomy_load(taxonomy=Taxonomy.from_dict(SMALL))

    assert (again.categories, again.skills, again.aliases) == (0, 0, 0)
    assert taxonomy_version() == version
    assert Skill.objects.get(slug="python").name == "Python 3"
    assert Skill.objects.get(slug="pytorch").parent.slug == "deep-learning"
    assert Alias.objects.filter(skill__slug="kubernetes").count() == 2


def test_an_alias_colliding_with_another_skill_is_refused_naming_both(taxonomy):
    with pytest.raises(ValidationError) as error:
        alias_create(skill=taxonomy["python"], text="K8S")
    assert error.value.message_dict["text"] == [
        '"K8S" collides with "k8s", an alias of Kubernetes; it cannot also mean Python.'
    ]


def test_a_new_alias_bumps_the_taxonomy_version(taxonomy):
    before = taxonomy_version()
    alias_create(skill=taxonomy["kubernetes"], text="kube")
    assert taxonomy_version() == before + 1


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
    from skills import tasks

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
    taxonomy_bump()
    assert list(Posting.objects.needing_tags(taxonomy_version())) == [posting]


def test_extract_skills_reads_json_lines_and_reports_bad_lines(taxonomy, monkeypatch, capsys):
    lines = '{"id": 7, "text": "PyTorch on k8s"}\nnot json\n{"id": 8}\n{"id": "x", "text": ""}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    call_command("extract_skills")
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0] == {
        "id": 7,
        "skills": [
            {"slug": "pytorch", "name": "PyTorch", "start": 0, "end": 7, "text": "PyTorch"},
            {"slug": "kubernetes", "name": "Kubernetes", "start": 11, "end": 14, "text": "k8s"},
        ],
    }
    assert rows[1] == {"id": "x", "skills": []}
    assert "line 2: skipped malformed input" in err
    assert 'line 3: skipped malformed input: "text" must be a string' in err


def test_merging_moves_aliases_tags_and_children_and_keeps_the_name(taxonomy):
    from skills.services import skill_merge

    torch = Skill.objects.create(
        slug="torch-lua", name="Torch (Lua)", category=taxonomy["pytorch"].category
    )
    Alias.objects.create(skill=torch, text="Torch (Lua)", key="torch lua", is_canonical=True)
    child = Skill.objects.create(
        slug="torch-nn", name="torch.nn", category=torch.category, parent=torch
    )
    both = PostingFactory(description="PyTorch")
    only_source = PostingFactory(description="")
    for posting in (both, only_source):
        PostingSkill.objects.create(
            posting=posting, skill=torch, source=Source.EMPLOYER, taxonomy_version=1
        )
    postings_tag(posting_ids=[both.pk])
    Posting.objects.filter(pk=only_source.pk).update(skill_ids=[torch.pk])
    before = taxonomy_version()

    skill_merge(source=torch, target=taxonomy["pytorch"])

    assert not Skill.objects.filter(slug="torch-lua").exists()
    assert Alias.objects.get(text="Torch (Lua)").skill == taxonomy["pytorch"]
    child.refresh_from_db()
    assert child.parent == taxonomy["pytorch"]
    assert _tags(both) == {"pytorch": "extracted"}
    assert _tags(only_source) == {"pytorch": "employer"}
    only_source.refresh_from_db()
    assert only_source.skill_ids == [taxonomy["pytorch"].pk]
    assert taxonomy_version() == before + 1


def test_a_skill_cannot_be_merged_into_itself(taxonomy):
    from skills.services import skill_merge

    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        skill_merge(source=taxonomy["python"], target=taxonomy["python"])


def test_a_taxonomy_change_queues_a_retag_of_every_id_range(taxonomy, monkeypatch):
    from skills import tasks

    postings = PostingFactory.create_batch(3)
    queued = []
    monkeypatch.setattr(tasks, "RETAG_BATCH", 2)
    monkeypatch.setattr(
        tasks.tag_postings_range, "apply_async", lambda args, queue: queued.append((args, queue))
    )
    version = taxonomy_version()

    assert tasks.retag_all(version) == 2

    lo = postings[0].pk
    assert queued == [((lo, lo + 2), "retag"), ((lo + 2, lo + 4), "retag")]
    queued.clear()
    taxonomy_bump()
    assert tasks.retag_all(version) == 0  # superseded by the newer change's own re-tag
    assert queued == []


def test_a_range_retag_touches_only_stale_postings(taxonomy):
    done, stale = PostingFactory.create_batch(2, description="PyTorch")
    postings_tag(posting_ids=[done.pk])
    tagged_at = PostingTagState.objects.get(posting=done).tagged_at

    assert postings_tag(id_range=(done.pk, stale.pk + 1), only_stale=True) == 1

    assert PostingTagState.objects.get(posting=stale).taxonomy_version == taxonomy_version()
    assert PostingTagState.objects.get(posting=done).tagged_at == tagged_at


def test_the_admin_merge_and_alias_writers_queue_a_retag_on_commit(
    taxonomy, django_capture_on_commit_callbacks, monkeypatch
):
    from skills import tasks

    sent = []
    monkeypatch.setattr(tasks.retag_all, "apply_async", lambda args, **kw: sent.extend(args))
    with django_capture_on_commit_callbacks(execute=True):
        alias_create(skill=taxonomy["python"], text="py3")
    assert sent == [taxonomy_version()]


def test_a_posting_saved_while_the_broker_is_down_is_kept_and_swept_later(
    taxonomy, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from kombu.exceptions import OperationalError

    from skills import tasks
    from skills.services import posting_enqueue_tagging

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.tag_posting, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        posting = PostingFactory(description="PyTorch")
        posting_enqueue_tagging(posting_id=posting.pk)

    assert Posting.objects.filter(pk=posting.pk).exists()
    assert "the periodic sweep will pick it up" in caplog.text
    assert list(Posting.objects.needing_tags(taxonomy_version())) == [posting]
