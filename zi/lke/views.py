"""Read-only browser of the stored LKE templates (areas, indicators, questions, options, example evidence)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from zi.lke.models import LkeTemplate
from zi.lke.services import template_spec


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = LkeTemplate.objects.order_by("code", "version").only("pk", "code", "version", "title", "regulation")
    return render(request, "lke/template_list.html", {"templates": templates})


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(LkeTemplate, pk=pk)
    spec = template_spec(template)
    return render(request, "lke/template_detail.html", {"template": template, "spec": spec})
