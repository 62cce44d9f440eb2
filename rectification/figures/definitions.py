"""THE figure definitions, as SQL (PRODUCT "the figures"): the hazard figures of
``inspections.hazard_figures`` (one place: the hazard list's ``figure=`` filter reads them
there, the stats read them here) and the enterprise figures of a campaign.

The hazard side (re-exported): ``AsOf`` (day D, the instant E that ends it), ``status_sql``
/ ``deadline_sql`` (a hazard as of D), ``figure_sql`` (found, closed, overdue …), the
breakdowns' joins and keys. See that module for what "as of D" means.

An enterprise is planned when the campaign lists it (``campaign_enterprise``), and
inspected as of D when one of its inspections of the campaign was submitted before E.
"""

from __future__ import annotations

from inspections.hazard_figures import (
    DAY_RANGE_MESSAGE,
    FIGURES,
    FIRST_DAY,
    HAZARD_JOINS,
    LAST_DAY,
    NEEDS,
    AsOf,
    deadline_sql,
    end_of_day,
    figure_sql,
    group_key,
    hazard_figure_condition,
    hazard_group_condition,
    hazard_joins,
    key_test,
    status_sql,
)

__all__ = [
    "DAY_RANGE_MESSAGE",
    "ENTERPRISE_FIGURES",
    "FIGURES",
    "FIRST_DAY",
    "GROUPS",
    "LAST_DAY",
    "ORG_GROUPS",
    "AsOf",
    "deadline_sql",
    "end_of_day",
    "enterprise_group_condition",
    "enterprise_joins",
    "figure_sql",
    "group_key",
    "hazard_figure_condition",
    "hazard_group_condition",
    "hazard_joins",
    "inspected_sql",
    "parse_group_key",
    "status_sql",
]

ENTERPRISE_FIGURES = ("planned", "inspected")
GROUPS = ("batch", "community", "grid", "industry", "agency")
ORG_GROUPS = (*GROUPS, "source")


def parse_group_key(
    group_by: str | None, raw: str | None, required: bool = True
) -> int | str | None:
    """The ``key`` of one breakdown row as a query string carries it: an industry's letter
    A–T, else a row id; "none" is the group without one. Missing is a 400 where the API
    needs it (``required``), no group on the page. Anything else is a 400 naming ``key``."""
    from safety.errors import ValidationFailed
    from safety.pages import parse_id

    if group_by is None:
        return None
    if raw in (None, ""):
        if required:
            raise ValidationFailed.field("key", "group_by 需要 key")
        return None
    if raw == "none":
        return None
    if group_by == "industry":
        if len(raw) != 1 or not "A" <= raw <= "T":
            raise ValidationFailed.field("key", "key 须为门类字母 A–T 或 none")
        return raw
    value = parse_id(raw)
    if value is None:
        raise ValidationFailed.field("key", "key 须为编号或 none")
    return value


def inspected_sql(asof: AsOf, campaign_id: int | list[int], enterprise: str) -> str:
    """The enterprise had a submitted inspection of the campaign before E. For one campaign
    a set read once, not a look-up per enterprise (it names the campaign, not a column);
    for several (the dashboard's cards, one statement), the look-up of ``ce``'s own."""
    submitted = (
        f"i.state = 'submitted' AND i.submitted_at IS NOT NULL"
        f" AND i.submitted_at < {asof.instant()}"
    )
    if isinstance(campaign_id, int):
        return (
            f"{enterprise} IN (SELECT i.enterprise FROM inspection i WHERE i.campaign ="
            f" {int(campaign_id)} AND {submitted})"
        )
    return (
        "EXISTS (SELECT 1 FROM inspection i WHERE i.campaign = ce.campaign"
        f" AND i.enterprise = {enterprise} AND {submitted})"
    )


# A planned enterprise (``ce``, a campaign_enterprise row) joins like a hazard row, except
# for the batch: each batch of the campaign it is in (a derived table of the campaign's
# batch memberships, read once: a look-up per planned enterprise cost 3x on PostgreSQL).
_ENTERPRISE_JOINS = {
    "e": "JOIN enterprise e ON e.id = ce.enterprise",
    "g": HAZARD_JOINS["g"],
    "c": HAZARD_JOINS["c"],
    "b": "LEFT JOIN (SELECT be.enterprise AS enterprise, bb.id AS id, bb.name AS name,"
    " bb.agency AS agency FROM batch_enterprise be JOIN batch bb ON bb.id = be.batch"
    " WHERE bb.campaign = {campaign}) b ON b.enterprise = ce.enterprise",
    "a": HAZARD_JOINS["a"],
}


def enterprise_joins(group_by: str | None, campaign_id: int, extra: str = "") -> str:
    """The joins a planned enterprise (``ce``) of the campaign needs for ``group_by``."""
    needed = set(NEEDS[group_by].replace("i", "") + extra)
    return "".join(
        " " + sql.format(campaign=int(campaign_id))
        for k, sql in _ENTERPRISE_JOINS.items()
        if k in needed
    )


def enterprise_group_condition(group_by: str, key: int | str | None, campaign_id: int) -> str:
    """WHERE text for "the planned enterprises of this group" over ``campaign_enterprise
    ce`` (the enterprise list's main table), with the breakdown's own joins and key."""
    test = key_test(group_by, key, "ce")
    return (
        "ce.enterprise IN (SELECT ce.enterprise FROM campaign_enterprise ce"
        f"{enterprise_joins(group_by, campaign_id)} WHERE ce.campaign = {int(campaign_id)}"
        f" AND {test})"
    )
