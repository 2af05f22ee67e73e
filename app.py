#!/usr/bin/env python3
"""CDK entry point (cdk.json "app"): the example catalog in infra/models, one stack per model."""

from infra.app import main

if __name__ == "__main__":
    main()
