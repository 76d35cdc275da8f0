"""Answer documents (the ``zi lke score`` input format)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zi.lke import spec
from zi.lke.formulas import AnswerError, _, normalize_answer
from zi.lke.scoring.engine import score
from zi.lke.scoring.plan import PREDICATE_RANK

# --------------------------------------------------------------------------------------------------------------
# Answer documents (the ``zi lke score`` input format)
# --------------------------------------------------------------------------------------------------------------

_DOC_KEYS = ("template", "answers", "current_predicate")


def score_document(doc: Any, template_loader: Callable[[str], spec.Template]) -> dict[str, Any]:
    """Score ``{"template": code, "answers": {code: raw answer}, "current_predicate": null | "WBK" | "WBBM"}``.

    Raises :class:`AnswerError` listing every problem found."""
    if not isinstance(doc, Mapping):
        raise AnswerError(_("Dokumen jawaban harus berupa objek JSON"))
    problems: list[str] = []
    extra = sorted(str(k) for k in doc if k not in _DOC_KEYS)
    if extra:
        problems.append(
            _("Kunci tidak dikenal: %(keys)s (kunci: %(allowed)s)")
            % {"keys": ", ".join(extra), "allowed": ", ".join(_DOC_KEYS)}
        )
    code = doc.get("template")
    if not isinstance(code, str) or not code.strip():
        raise AnswerError("; ".join([*problems, _("Kunci 'template' wajib diisi dengan kode template")]))
    try:
        template = template_loader(code.strip())
    except (KeyError, LookupError, spec.TemplateError) as exc:
        raise AnswerError(
            _("Template '%(code)s' tidak dikenal") % {"code": code}
        ) from exc  # the loader decides what exists
    predicate = doc.get("current_predicate")
    if predicate not in (None, "") and predicate not in PREDICATE_RANK:
        problems.append(
            _("current_predicate '%(value)s' tidak dikenal (pilihan: null, WBK, WBBM)") % {"value": predicate}
        )
    answers = doc.get("answers", {})
    if not isinstance(answers, Mapping):
        problems.append(_("Kunci 'answers' harus berupa objek {kode: jawaban}"))
        answers = {}
    values: dict[str, float | None] = {}
    for qcode, raw in answers.items():
        question = template.questions.get(str(qcode))
        if question is None:
            problems.append(_("Kode pertanyaan tidak dikenal: %(codes)s") % {"codes": qcode})
            continue
        try:
            values[question.code] = normalize_answer(question, raw, template.settings).value
        except AnswerError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AnswerError("\n".join(problems), problems)
    return score(template, values, predicate or None).to_dict()
