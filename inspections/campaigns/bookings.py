"""Which enterprises are already planned (已安排) in a campaign that has not ended, and
where: the due list, the planning presets and the batch form show it beside each row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections.rules import OPEN_STATES, Booking, campaign_running, first_booking
from inspections.tables import Inspection, InspectionKind, InspectionState
from safety.settings import local_today
from safety.tables import Batch, BatchEnterprise, CampaignEnterprise


async def bookings(
    enterprise_ids: list[int],
    today: dt.date | None = None,
    exclude_plan_of: int | None = None,
) -> dict[int, Booking]:
    """Which of ``enterprise_ids`` are already planned (已安排) in a campaign that has not
    ended (its ``ends_on`` >= today), and where, for the due list, the presets and the
    batch form: an open (planned / in_progress) campaign inspection — its day — or a place
    in the campaign's plan that no submitted inspection has done yet — its batch's window,
    else the campaign's period. ``exclude_plan_of``: a campaign whose plan does not count
    (the batch form's own: every enterprise it lists is in that plan), its open inspections
    still do. Three statements over the given ids only (a page's rows, never a district's
    enterprises); the caller has scoped the ids."""
    ids = list(dict.fromkeys(enterprise_ids))
    if not ids:
        return {}
    today = today or local_today()
    found: dict[int, list[Booking]] = {}
    open_rows = (
        await Inspection.select(
            Inspection.id,
            Inspection.enterprise,
            Inspection.scheduled_on,
            Inspection.campaign,
            Inspection.campaign.name.as_alias("campaign_name"),
            Inspection.campaign.ends_on.as_alias("campaign_ends_on"),
        )
        .where(
            Inspection.enterprise.is_in(ids),
            Inspection.kind == InspectionKind.campaign.value,
            Inspection.state.is_in(list(OPEN_STATES)),
            Inspection.campaign.ends_on >= today,
        )
        .run()
    )
    for r in open_rows:
        if r["campaign"] is None or not campaign_running(r["campaign_ends_on"], today):
            continue
        found.setdefault(r["enterprise"], []).append(
            Booking(
                r["enterprise"],
                r["campaign"],
                r["campaign_name"],
                r["scheduled_on"],
                r["scheduled_on"],
                r["id"],
            )
        )
    plan_conditions = [
        CampaignEnterprise.enterprise.is_in(ids),
        CampaignEnterprise.campaign.ends_on >= today,
    ]
    if exclude_plan_of is not None:
        plan_conditions.append(CampaignEnterprise.campaign != exclude_plan_of)
    plans = (
        await CampaignEnterprise.select(
            CampaignEnterprise.enterprise,
            CampaignEnterprise.campaign,
            CampaignEnterprise.campaign.name.as_alias("campaign_name"),
            CampaignEnterprise.campaign.starts_on.as_alias("starts_on"),
            CampaignEnterprise.campaign.ends_on.as_alias("ends_on"),
        )
        .where(*plan_conditions)
        .run()
    )
    if plans:
        campaigns = list({r["campaign"] for r in plans})
        # Done (a submitted inspection) or already counted (an open one): not a booking.
        settled = {
            (r["campaign"], r["enterprise"])
            for r in await Inspection.select(Inspection.campaign, Inspection.enterprise)
            .where(
                Inspection.enterprise.is_in(ids),
                Inspection.campaign.is_in(campaigns),
                Inspection.state != InspectionState.cancelled.value,
            )
            .run()
        }
        windows = {
            (r["campaign"], r["enterprise"]): (r["starts_on"], r["ends_on"])
            for r in await BatchEnterprise.select(
                BatchEnterprise.enterprise,
                BatchEnterprise.batch.campaign.as_alias("campaign"),
                BatchEnterprise.batch.starts_on.as_alias("starts_on"),
                BatchEnterprise.batch.ends_on.as_alias("ends_on"),
            )
            .where(
                BatchEnterprise.enterprise.is_in(ids),
                BatchEnterprise.batch.is_in(
                    Batch.select(Batch.id).where(Batch.campaign.is_in(campaigns))
                ),
            )
            .run()
        }
        for r in plans:
            key = (r["campaign"], r["enterprise"])
            if key in settled or not campaign_running(r["ends_on"], today):
                continue
            start, end = windows.get(key, (r["starts_on"], r["ends_on"]))
            found.setdefault(r["enterprise"], []).append(
                Booking(r["enterprise"], r["campaign"], r["campaign_name"], start, end)
            )
    return {e: b for e, items in found.items() if (b := first_booking(items)) is not None}


def booking_out(booking: Booking | None) -> dict[str, Any] | None:
    """A booking as the pages and the API show it."""
    if booking is None:
        return None
    return {
        "campaign_id": booking.campaign_id,
        "campaign_name": booking.campaign_name,
        "inspection_id": booking.inspection_id,
        "starts_on": booking.starts_on,
        "ends_on": booking.ends_on,
    }
