"""The officer's pages for campaigns (专项行动/检查活动), their batches (批次) and the review
of an inspection: ``pages`` (list, new, a campaign), ``batches`` (new batch, create its
inspections), ``review`` (one inspection, cancel), over ``inspections.services``;
``plan`` picks enterprises for a plan and offers the forms' choices; ``messages`` holds
the texts in Chinese and English."""

from inspections.campaigns import messages  # noqa: F401  (registers the texts)
