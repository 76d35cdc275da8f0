"""The evidence items of one worksheet question, rendered in Python.

A full worksheet tab shows about a hundred evidence items, each with its revisions and two forms; the template loop
cost about 0.7 ms per item, most of the time of a full tab (issue #24: a full assessment's tab is to cost at most
1.2× an empty one's). The HTML is what ``assessments/partials/evidence.html`` rendered in its loop, every value
escaped as ``{{ value }}`` would be.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat, truncatechars
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from zi.assessments.models import EvidenceKind
from zi.organisations.timezones import format_local

register = template.Library()

_A, _B = 9_876_543_210_123, 8_765_432_109_876  # placeholders: ids are plain integers in URLs (zi.core.converters)


_FIXED: dict[tuple[str | None, str], dict[str, str]] = {}


def _patterns() -> dict[str, str]:
    """Each evidence URL as a format string (``{0}``: evidence id, ``{1}``: number), the labels translated and
    escaped, and the kind badges: the same for every question of every page in one language under one script
    prefix, so built once per process for each (each question's evidence is rendered by its own include, whose
    render context is its own)."""
    key = (get_language(), get_script_prefix())
    patterns = _FIXED.get(key)
    if patterns is not None:
        return patterns
    patterns = {
        key: conditional_escape(_(text))
        for key, text in (  # gettext_noop: so that makemessages finds the texts translated here
            ("unduh", gettext_noop("unduh")),
            ("file", gettext_noop("Berkas revisi")),
            ("link", gettext_noop("Tautan revisi")),
            ("actions", gettext_noop("Revisi / tarik")),
            ("revise", gettext_noop("Unggah revisi")),
            ("reason", gettext_noop("Alasan penarikan")),
            ("withdraw", gettext_noop("Tarik data dukung")),
            ("withdrawn", gettext_noop("ditarik")),
        )
    }
    for kind, label in EvidenceKind.choices:
        patterns[f"kind:{kind}"] = conditional_escape(label)
    for name in ("evidence_revise", "evidence_withdraw"):
        patterns[name] = reverse(f"assessments:{name}", args=[_A]).replace(str(_A), "{0}")
    for name in ("evidence_preview", "evidence_file"):
        url = reverse(f"assessments:{name}", args=[_A, _B])
        patterns[name] = url.replace(str(_A), "{0}").replace(str(_B), "{1}")
    _FIXED[key] = patterns
    return patterns


def _shortened(url: str) -> str:
    """``truncatechars:60`` of a link (an ASCII address, the usual case, without the Unicode-aware counting)."""
    if url.isascii():
        return url if len(url) <= 60 else url[:59] + "…"
    return truncatechars(url, 60)


def _revision(ev: Any, rev: Any, unit: Any, fixed: dict[str, str], esc: Any) -> str:
    if rev.url:
        link = (
            f'<a href="{esc(rev.url)}" rel="noopener noreferrer nofollow" target="_blank">'
            f"r{rev.number} · {esc(_shortened(rev.url))}</a>"
        )
    else:
        preview = fixed["evidence_preview"].format(ev.pk, rev.number)
        download = fixed["evidence_file"].format(ev.pk, rev.number)
        link = (
            f'<a href="{esc(preview)}">r{rev.number} · {esc(rev.original_name)}</a>\n'
            f'            <small>{esc(filesizeformat(rev.size))} · <a href="{esc(download)}" download>'
            f"{fixed['unduh']}</a></small>"
        )
    when = esc(format_local(rev.uploaded_at, unit)) if rev.uploaded_at not in (None, "") else "–"
    return f"\n        <li>\n          {link}\n          <small>· {when}</small>\n        </li>"


def _actions(ev: Any, anchor: str, csrf: str, fixed: dict[str, str], esc: Any) -> str:
    revise = esc(fixed["evidence_revise"].format(ev.pk))
    withdraw = esc(fixed["evidence_withdraw"].format(ev.pk))
    if ev.kind == "file":
        enctype = ' enctype="multipart/form-data"'
        field = f'<label>{fixed["file"]} <input type="file" name="file" required></label>'
    else:
        enctype = ""
        field = (
            f'<label>{fixed["link"]} <input type="url" name="url" required maxlength="1000" '
            'placeholder="https://"></label>'
        )
    return (
        f'\n      <details class="ws-ev-actions">\n        <summary>{fixed["actions"]}</summary>\n'
        f'        <form method="post" action="{revise}"{enctype}\n'
        f'              hx-post="{revise}" hx-target="#ev-{anchor}" hx-swap="outerHTML" '
        f'hx-indicator="#evind-{anchor}">{csrf}\n'
        f"          {field}\n"
        f'          <button type="submit" class="secondary">{fixed["revise"]}</button>\n        </form>\n'
        f'        <form method="post" action="{withdraw}"\n'
        f'              hx-post="{withdraw}" hx-target="#ev-{anchor}" hx-swap="outerHTML">{csrf}\n'
        f'          <label>{fixed["reason"]} <input type="text" name="reason" required maxlength="500">'
        f"</label>\n"
        f'          <button type="submit" class="secondary outline">{fixed["withdraw"]}</button>\n'
        f"        </form>\n      </details>"
    )


@register.simple_tag(takes_context=True)
def evidence_items(context: template.Context, row: Any) -> SafeString:
    """The ``<li>`` of each evidence item of ``row`` (a worksheet ``QuestionRow``): title, kind, revisions newest
    first, and for the unit's team the revise and withdraw forms."""
    ws, assessment = context["ws"], context["a"]
    fixed = _patterns()
    esc = conditional_escape
    csrf = CsrfTokenNode().render(context)
    anchor = esc(row.anchor)
    unit = assessment.unit
    parts = []
    for ev in row.evidence:
        withdrawn = ev.is_withdrawn
        revisions = "".join(_revision(ev, rev, unit, fixed, esc) for rev in ev.revision_list_desc)
        parts.append(
            f'\n    <li class="{"is-withdrawn" if withdrawn else ""}">\n'
            f"      <strong>{esc(ev.title)}</strong>\n"
            f'      <span class="badge">{fixed.get(f"kind:{ev.kind}") or esc(ev.kind)}</span>\n'
            + (f'      <span class="badge badge-bad">{fixed["withdrawn"]}</span>\n' if withdrawn else "")
            + f'      <ol class="ws-revisions" reversed>{revisions}\n      </ol>'
            + (_actions(ev, anchor, csrf, fixed, esc) if ws.can_upload and not withdrawn else "")
            + "\n    </li>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
