"""Change agent and concrete change pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from zi.programme import forms, services
from zi.programme.models import ChangeAgent, ConcreteChange
from zi.programme.views.common import _form_page, _managed_record, _managed_unit, _overview_url, _period


@login_required
def agent_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    period = _period(request)
    return _form_page(
        request,
        forms.ChangeAgentForm(request.POST or None, unit=unit),
        write=lambda data: services.change_agent_appoint(actor=request.user, unit=unit, period=period, **data),
        done=_("Agen perubahan ditetapkan."),
        next_url=lambda agent: _overview_url(unit, period) + "#agen",
        unit=unit,
        title=_("Tetapkan agen perubahan"),
        subtitle=period.name,
    )


@login_required
def change_create(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _managed_record(request, ChangeAgent, pk)
    return _form_page(
        request,
        forms.ConcreteChangeForm(request.POST or None),
        write=lambda data: services.change_create(actor=request.user, agent=agent, **data),
        done=_("Perubahan konkret dicatat."),
        next_url=lambda change: _overview_url(agent.unit, agent.period) + "#agen",
        unit=agent.unit,
        title=_("Perubahan konkret oleh %(name)s") % {"name": agent.person},
    )


@login_required
def agent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _managed_record(request, ChangeAgent, pk)
    return _form_page(
        request,
        forms.ChangeAgentEditForm(request.POST or None, initial=forms.record_initial(agent, forms.ChangeAgentEditForm)),
        write=lambda data: services.change_agent_update(actor=request.user, agent=agent, **data),
        done=_("Agen perubahan diperbarui."),
        next_url=lambda saved: _overview_url(agent.unit, agent.period) + "#agen",
        unit=agent.unit,
        title=_("Ubah penetapan %(name)s") % {"name": agent.person},
    )


@login_required
def change_edit(request: HttpRequest, pk: int) -> HttpResponse:
    change = _managed_record(request, ConcreteChange, pk)
    initial = forms.record_initial(change, forms.ConcreteChangeForm)
    return _form_page(
        request,
        forms.ConcreteChangeForm(request.POST or None, initial=initial),
        write=lambda data: services.change_update(actor=request.user, change=change, **data),
        done=_("Perubahan konkret diperbarui."),
        next_url=lambda saved: _overview_url(change.agent.unit, change.agent.period) + "#agen",
        unit=change.agent.unit,
        title=_("Ubah perubahan konkret"),
    )
