"""A demo organisation with planted, known answers (``generate_demo``).

The demo writes a complete workspace (rosters, a reorganisation, two Qualtrics
waves and a Google Forms wave, codebooks) whose team scores, ICC(1), changes
and comment themes are known, so that the pipeline can be checked against them.
"""

from pipelines.domain.demo.generate import generate_demo

__all__ = ["generate_demo"]
