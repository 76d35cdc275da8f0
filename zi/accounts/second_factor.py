"""TOTP second factor (django-otp): who must have one, and setting one up."""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from zi.organisations.models import Agency, RoleAssignment


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user: Any) -> bool:
    """Admins and evaluators whose agency turned the rule on (by agency or by a unit of it)."""
    roles = settings.ZI_SECOND_FACTOR_ROLES
    assignments = RoleAssignment.objects.filter(user=user, role__in=roles)
    agency_ids = set(assignments.filter(agency__isnull=False).values_list("agency_id", flat=True))
    agency_ids |= set(assignments.filter(unit__isnull=False).values_list("unit__agency_id", flat=True))
    return Agency.objects.filter(pk__in=agency_ids, require_second_factor=True).exists()


def pending_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
