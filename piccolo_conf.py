"""Piccolo's CLI looks for this module in the working directory; the real one is in safety/."""

from safety.piccolo_conf import *  # noqa: F403
