from setuptools import find_packages, setup

REQUIRES = [
    "torch>=2.6",
    "numpy",
]

setup(name="tensor-service", version="1.0", packages=find_packages(), install_requires=REQUIRES)
