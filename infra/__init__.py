"""This repository's CDK app: catalog loading and one stack per model."""
