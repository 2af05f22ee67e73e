"""Code directory for the hand-written baseline's Lambda functions (bench/handwritten_app.py).

The baseline is only synthesized, never deployed: this file gives its functions an asset to hash
and stage, as sagestack's functions have."""


def handler(event, context):
    return event
