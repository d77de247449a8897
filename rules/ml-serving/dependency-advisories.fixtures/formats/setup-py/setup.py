from setuptools import setup

REQUIRES = [
    # ruleid: ml-serving.dependency.vulnerable-version (high)
    "joblib==1.1.1",
    # ok: ml-serving.dependency.vulnerable-version
    "numpy",
]

setup(name="train", install_requires=REQUIRES)
