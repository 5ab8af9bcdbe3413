# PostingSkill and PostingTagState come over from the skills app with every row: first the
# models are taken over in Django's state only, on their old tables; then the tables are
# renamed (ALTER TABLE ... RENAME keeps rows, indexes and constraints). Content types follow,
# so admin permissions granted on them still apply. SyncMark is new.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED = ["postingskill", "postingtagstate"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="postings", model=model).exists():
            ContentType.objects.filter(app_label="skills", model=model).update(app_label="postings")


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="postings", model__in=MOVED).update(app_label="skills")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('postings', '0010_drop_level_index'),
        ('skills', '0004_tagging_moves_to_postings'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PostingTagState',
                    fields=[
                        ('posting', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='tag_state', serialize=False, to='postings.posting')),
                        ('taxonomy_version', models.PositiveIntegerField()),
                        ('text_at', models.DateTimeField()),
                        ('tagged_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={'db_table': 'skills_postingtagstate'},
                ),
                migrations.CreateModel(
                    name='PostingSkill',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('extracted', 'Extracted from the text'), ('employer', 'Added by the employer'), ('confirmed', 'Confirmed by an admin'), ('removed', 'Removed by an admin')], max_length=16)),
                        ('taxonomy_version', models.PositiveIntegerField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('posting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='posting_skills', to='postings.posting')),
                        ('skill', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='posting_skills', to='skills.skill')),
                    ],
                    options={
                        'db_table': 'skills_postingskill',
                        'indexes': [models.Index(fields=['skill'], name='posting_skill_skill_idx')],
                        'constraints': [models.UniqueConstraint(fields=('posting', 'skill'), name='posting_skill_unique'), models.CheckConstraint(condition=models.Q(('source__in', ['extracted', 'employer', 'confirmed', 'removed'])), name='posting_skill_source_valid')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='postingtagstate', table=None),
        migrations.AlterModelTable(name='postingskill', table=None),
        migrations.RunPython(content_types_follow, content_types_go_back),
        migrations.CreateModel(
            name='SyncMark',
            fields=[
                ('name', models.CharField(choices=[('taxonomy', 'Taxonomy version the postings were re-tagged for'), ('exchange_rates', 'Exchange rates annual USD pay was computed at')], max_length=32, primary_key=True, serialize=False)),
                ('mark', models.CharField(max_length=128)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('name__in', ['taxonomy', 'exchange_rates'])), name='sync_mark_name_valid')],
            },
        ),
    ]
