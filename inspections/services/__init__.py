"""The inspection use cases, for the JSON API (inspections/api.py) and the pages alike.
Each takes the acting user (``safety.actors.Actor``) first, checks scope (404 outside it,
403 for a role never allowed), owns its transaction and writes its audit event in it.

Campaigns and batches (officer) — ``campaigns``, ``batches``:
  create_campaign(actor, CampaignIn) -> campaign detail
  list_campaigns(actor, q=, kind=, limit=, offset=) -> (items, total)
  get_campaign(actor, campaign_id) -> detail with ``batches`` and ``enterprises``
      (each planned enterprise with its batch and latest inspection's state)
  add_batch(actor, campaign_id, BatchIn) -> batch
  create_batch_inspections(actor, batch_id, BatchInspectionsIn) -> {"created", "items", "skipped"}

Inspections — ``inspections``:
  create_inspection(actor, InspectionIn) -> inspection detail              (officer)
  list_inspections(actor, InspectionFilter, limit, offset) -> (items, total)
  get_inspection(actor, inspection_id) -> the inspection shape of the API contract
  start_inspection(actor, inspection_id) -> detail                        (its inspectors)
  save_results(actor, inspection_id, [ResultIn]) -> {"items", "items_total", "items_answered"}
  submit_inspection(actor, inspection_id) -> detail; 409 names what is missing
  cancel_inspection(actor, inspection_id, reason) -> detail               (officer)
  inspector_agenda(actor, today=None) -> {"now": [...], "later": [...]}   (inspector)

Signatures — ``signatures`` (its inspectors, while in_progress):
  add_signature(actor, inspection_id, signer, signer_name=, refused_reason=, content=bytes,
      filename=) -> {"inspector": ..., "enterprise": ...}; a new one replaces the old

Hazards — ``hazards``:
  log_hazard(actor, inspection_id, HazardIn) -> hazard                    (its inspectors)
  get_hazard(actor, hazard_id) -> the hazard shape of the API contract
  list_hazards(actor, HazardFilter, limit, offset) -> (items, total)
      (the filter, ``HazardFilter`` and its WHERE: ``hazard_filters``)

Hazard photos — ``photos`` (an inspector of the hazard's inspection):
  add_hazard_photo(actor, hazard_id, content=bytes, filename=, kind="problem"|"recheck"
      |"rectified" (fixed on the spot only)) -> {"id","kind","url","thumbnail_url",...}
  (importing the package registers the owner types ``hazard`` and ``inspection`` with
  safety.files.store, so their files are served to whoever may see the record)
"""

from inspections.services.batches import add_batch, create_batch_inspections
from inspections.services.campaigns import create_campaign, get_campaign, list_campaigns
from inspections.services.hazards import HazardFilter, get_hazard, list_hazards, log_hazard
from inspections.services.inspections import (
    InspectionFilter,
    cancel_inspection,
    create_inspection,
    get_inspection,
    inspector_agenda,
    list_inspections,
    save_results,
    start_inspection,
    submit_inspection,
)
from inspections.services.photos import add_hazard_photo
from inspections.services.signatures import add_signature

__all__ = [
    "HazardFilter",
    "InspectionFilter",
    "add_batch",
    "add_hazard_photo",
    "add_signature",
    "cancel_inspection",
    "create_batch_inspections",
    "create_campaign",
    "create_inspection",
    "get_campaign",
    "get_hazard",
    "get_inspection",
    "inspector_agenda",
    "list_campaigns",
    "list_hazards",
    "list_inspections",
    "log_hazard",
    "save_results",
    "start_inspection",
    "submit_inspection",
]
