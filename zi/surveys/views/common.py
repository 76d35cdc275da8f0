"""What the survey pages share. Campaigns are loaded with :func:`zi.organisations.scoped.get_scoped_or_404`
(``survey.view``: else 404; ``survey.manage`` to change one, ``survey.evaluate`` to judge its answers: else 403)."""

from __future__ import annotations

from zi.surveys.models import RespondentGroup

GROUP_LABELS = dict(RespondentGroup.choices)
