"""Under the hood: one training step laid bare, gradient checks, and what a trained network has inside.
``logic`` (gradient checks, unit maps), ``tiny`` and ``step`` (the step-through), ``activations``, ``charts``, ``view``."""
