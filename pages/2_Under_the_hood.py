"""Under the hood: one training step laid bare, gradient checks, and what a trained network has inside."""

from scratchnet.app import nav, under_the_hood

nav.page_config("Under the hood")

under_the_hood.page()
