from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zi.surveys"
    label = "surveys"

    def ready(self) -> None:
        # lazy: imports of models and services wait until AppConfig.ready, when the app registry is loaded
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from zi.assessments.known_values import register_survey_indices
        from zi.core.home import register_inbox
        from zi.core.labels import register_key_namer, register_key_values
        from zi.organisations.models import Unit
        from zi.surveys.home import short_campaigns
        from zi.surveys.models import Campaign, RespondentGroup
        from zi.surveys.services import campaigns_changed
        from zi.surveys.unit_indices import survey_indices_for

        register_inbox(short_campaigns)
        register_survey_indices(survey_indices_for)  # IPAK/IPKP for the LKE's result items
        register_key_values(["respondent_groups", "respondent_group"], RespondentGroup.choices)  # the audit trail
        register_key_namer("instruments", instrument_names)  # a campaign's instruments by name, not by id
        # the public form's cached campaigns (services.public_campaign) are dropped on any change they show
        post_save.connect(campaigns_changed, sender=Campaign, dispatch_uid="zi-surveys-campaign-saved")
        post_delete.connect(campaigns_changed, sender=Campaign, dispatch_uid="zi-surveys-campaign-deleted")
        m2m_changed.connect(campaigns_changed, sender=Campaign.instruments.through, dispatch_uid="zi-surveys-instr")
        post_save.connect(campaigns_changed, sender=Unit, dispatch_uid="zi-surveys-unit-saved")


def instrument_names(ids: list[object]) -> dict[str, str]:
    """``{str(id): title}`` of the instruments a campaign's audit snapshot lists (one query)."""
    # lazy: this module is imported before the app registry is loaded; models wait for it
    from zi.surveys.models import Instrument

    wanted = [int(str(i)) for i in ids if str(i).isdigit()]
    return {str(i.pk): str(i.display_title) for i in Instrument.objects.filter(pk__in=wanted)}
