#!/usr/bin/env python3
"""CDK entry point (cdk.json "app"): the example catalog in infra/models, one stack per model."""

import os

# The machines this project runs on have Node 20, which jsii flags as end of life on every import;
# the Makefile sets this too. Other Node versions are unaffected.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from infra.app import main

if __name__ == "__main__":
    main()
