"""Seeded generators for generated names and UIDs, so the same seed gives the same names."""

from __future__ import annotations

import random
import uuid

# apimachinery util/rand: consonants and digits that cannot spell words (no vowels, 0, 1, 3).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
# apiserver storage/names: a generated name is at most 63 characters; 5 of them random.
RANDOM_LENGTH = 5
MAX_NAME_LENGTH = 63
MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_LENGTH


class NameGenerator:
    """apiserver SimpleNameGenerator on a seeded stream: ``web-7b8cbd4f76-`` + 5 chars."""

    def __init__(self, seed: int | str) -> None:
        self._rng = random.Random(f"k8sflow-names:{seed}")

    def random_string(self, length: int = RANDOM_LENGTH) -> str:
        return "".join(self._rng.choice(SAFE_ALPHABET) for _ in range(length))

    def generate_name(self, base: str) -> str:
        if len(base) > MAX_GENERATED_NAME_LENGTH:
            base = base[:MAX_GENERATED_NAME_LENGTH]
        return base + self.random_string()


class UidGenerator:
    """Version-4-shaped UUIDs from a seeded stream (the apiserver uses uuid.New)."""

    def __init__(self, seed: int | str) -> None:
        self._rng = random.Random(f"k8sflow-uids:{seed}")

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
