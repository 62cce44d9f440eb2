"""The figures (PRODUCT "the figures"): 检查完成率, 整改率, 按期整改率, 逾期数 …, exact,
as of a day, and every number opens the records behind it.

Modules:
  definitions  THE SQL of every figure and breakdown: the hazard side (status / effective
               deadline as of a day, figure predicates, group keys and joins) is
               ``inspections.hazard_figures``, which the hazard list's ``figure=`` filter
               reads too; the planned/inspected enterprises of a campaign are added here.
  service      the use cases (officer only; 404 outside the subtree, 403 other roles):
    campaign_stats(actor, campaign_id, as_of: date | None = None,
                   group_by: str | None = None) -> dict
        the ten figures (enterprises_planned, enterprises_inspected,
        inspection_completion_rate, hazards_found, hazards_major, hazards_closed,
        hazards_overdue, rectification_rate, major_rectification_rate, on_time_rate) plus
        hazards_general, hazards_major_closed, hazards_general_closed,
        hazards_closed_on_time, hazards_open, general_rectification_rate, ``fractions``
        {rate: {numerator, denominator}}, as_of, and with group_by
        (batch|community|grid|industry|agency) ``groups``: [{key, label, ...same}].
    org_unit_stats(actor, org_unit_id, found_from=None, found_to=None, source=None,
                   group_by=None, as_of=None) -> dict
        the hazard figures of the subtree over all campaigns and sources, ``by_source``,
        and ``groups`` (group_by also takes ``source``).
    campaign_enterprises(actor, campaign_id, figure="planned"|"inspected", as_of=None,
                         group_by=None, key=None, limit=50, offset=0) -> (items, total)
  queries      the SQL the services and the chart series run: make_as_of(day), the scope
               look-ups (campaign_and_path, subtree_units, in_subtree) and counts_sql.
  series       the chart data in SQL (per week, per sub-category, per community);
  campaign_charts  campaign_charts(actor, campaign_id, as_of, lang): those series drawn
               as SVG, for the figures page and the campaign summary PDF.
  links        figure_link(field, base="/api/v1/hazards", as_of=, campaign_id=,
               org_unit_id=, group_by=, key=, source=, found_from=, found_to=) -> str and
               figure_params(...) -> dict: the query string behind a number.
  api          GET /api/v1/campaigns/{id}/stats, GET /api/v1/org-units/{id}/stats,
               GET /api/v1/campaigns/{id}/enterprises
"""
