"""The officer's pages for campaigns (专项行动/检查活动), their batches (批次) and the review
of an inspection: ``pages`` (list, new, a campaign), ``batches`` (new batch, create its
inspections), ``review`` (one inspection, cancel), over ``inspections.services``;
``plan`` picks enterprises for a plan and offers the forms' choices; ``messages`` holds
the texts in Chinese and English."""

from inspections.campaigns import messages  # noqa: F401  (registers the texts)
from inspections.campaigns.batches import ROUTES as _BATCHES
from inspections.campaigns.pages import ROUTES as _PAGES
from inspections.campaigns.review import ROUTES as _REVIEW

ROUTES = [*_PAGES, *_BATCHES, *_REVIEW]
