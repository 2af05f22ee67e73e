"""Process <step> after training: the ``processing:`` entries marked ``when: after_training``
(evaluation), between Train (or Tune) and the model; the same tasks as before training
(:mod:`.processing`), which may also read the trained model (``{step: training, output: model}``)."""

from __future__ import annotations

from .processing import Processing


class ProcessingAfterTraining(Processing):
    name = "processing after training"
    when = "after_training"
