"""Rectification use cases (整改 → 验收 → 销号): the plan, evidence, verification, void,
extension requests and their decisions — for the JSON API and the pages alike.

Each takes the acting user first; scope is the hazard's (``inspections.services.scope``:
outside it 404); the role rules and the state machine are ``rectification.rules`` (403 for
a role that may never act, 409 naming the current state). Each runs in one write
transaction that re-reads the hazard's status, so two people racing for one transition
(two officers verifying the same submission) get it applied once; the loser gets 409.
Every change writes its ``HazardTransition`` (the timeline; extension requests and
decisions too, with the same from/to status), its audit event and the in-app
notifications of the people it concerns, in that transaction.

  save_plan(actor, hazard_id, PlanIn)                 enterprise (own)
  submit_evidence(actor, hazard_id, SubmissionIn)     enterprise (own)
  verify(actor, hazard_id, VerificationIn)            officer; inspector of its inspection;
                                                      the enterprise for a general self-found one
  void_hazard(actor, hazard_id, reason)               officer
  request_extension(actor, hazard_id, ExtensionIn)    enterprise (own)
  decide_extension(actor, request_id, DecisionIn)     officer
  hazard_detail(actor, hazard_id)                     the hazard shape with its rectification
  list_extension_requests(actor, status=)             officer's queue / enterprise's own

By topic: ``plans`` (plan, evidence), ``verification`` (verify, void), ``extensions``,
``detail`` (the whole hazard); ``_common`` holds what they share. Importing the package
registers the owner type ``SUBMISSION`` (the after-photos of a submission) with
safety.files.store.
"""

from rectification.services._common import SUBMISSION
from rectification.services.detail import hazard_detail
from rectification.services.extensions import (
    decide_extension,
    list_extension_requests,
    request_extension,
)
from rectification.services.plans import save_plan, submit_evidence
from rectification.services.verification import check_verification, verify, void_hazard

__all__ = [
    "SUBMISSION",
    "check_verification",
    "decide_extension",
    "hazard_detail",
    "list_extension_requests",
    "request_extension",
    "save_plan",
    "submit_evidence",
    "verify",
    "void_hazard",
]
