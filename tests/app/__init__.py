"""Tests of the Pet Store API (petstore-app/)."""
