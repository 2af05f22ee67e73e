# churn-byo-v1: a descriptor written in Python. The loader runs this file and reads the
# variable `descriptor` (a dict with the same keys as a YAML descriptor).
#
# It mirrors SDK v1 notebook code for a bring-your-own training image, with the v1 names
# image_name, train_instance_count and train_instance_type (v2: image_uri, instance_count,
# instance_type):
#
#   estimator = sagemaker.estimator.Estimator(
#       image_name="123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-xgb:2.3",
#       role="SageMakerRole", train_instance_count=1, train_instance_type="ml.m5.xlarge",
#       hyperparameters={"max_depth": 5, "num_round": 100})
#   estimator.fit({"train": "s3://sagestack-examples-data/churn/train",
#                  "validation": "s3://sagestack-examples-data/churn/validation"})
#   estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-xgb:2.3"
DATA = "s3://sagestack-examples-data/churn"

descriptor = {
    "name": "churn-byo-v1",
    "description": "Customer churn model from a private image, written in Python (SDK v1 spelling)",
    "estimator": {
        "type": "Estimator",
        "image_name": IMAGE,  # v1 spelling of image_uri
        "role": "SageMakerRole",
        "train_instance_count": 1,  # v1 spelling of instance_count
        "train_instance_type": "ml.m5.xlarge",  # v1 spelling of instance_type
        "hyperparameters": {"max_depth": 5, "num_round": 100},
    },
    "fit": {"inputs": {"train": f"{DATA}/train", "validation": f"{DATA}/validation"}},
    # estimator.deploy(...) serves the trained model with the same image.
    "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
}
