"""Starts a local Ray cluster for the service."""
import ray

ray.init()
