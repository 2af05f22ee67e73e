"""A Python descriptor with a mistake in its data."""

descriptor = {
    "name": "py-model",
    "model": {
        "type": "Model",
        "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1",
    },
    "deploy": {
        "initial_instance_count": 0,
        "instance_type": "ml.m5.large",
    },
}
