# The skills tagged on postings (PostingSkill) and each posting's tag state (PostingTagState)
# move to the postings app: the taxonomy knows nothing of postings any more. A state-only move:
# the tables and every row stay; postings migration 0011 takes the models over and renames
# the tables. Merged skills now stay behind as redirects (Skill.merged_into).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('skills', '0003_posting_tag_state'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PostingSkill'),
                migrations.DeleteModel(name='PostingTagState'),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='skill',
            name='merged_into',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_from', to='skills.skill'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('id')), _negated=True), name='skill_not_merged_into_itself'),
        ),
        migrations.AddConstraint(
            model_name='skill',
            constraint=models.CheckConstraint(condition=models.Q(('merged_into__isnull', True), ('is_active', False), _connector='OR'), name='skill_merged_is_inactive'),
        ),
    ]
