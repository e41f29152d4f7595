"""Row ids: the stable global identity of a row, in the town's file, in the county's and in every
exchange package between them.

An id is opaque text, compared only for equality. New ids are 16 characters of lowercase
base32hex (``0-9`` and ``a-v``, in ASCII order): 80 random bits. Until this form, ids were the
36-character text of a version 4 UUID (122 random bits); rows that have one keep it for good (the
county knows the row by it), so a file may hold both forms and nothing may assume either length.

Why not the UUID text: an id is stored in its row, in the primary-key index, in every row that
refers to it (with their indexes), in the owner column of every row of its office and in the
change log. At 36 characters these copies were about 40 % of a town's file; at 16 they are less
than half of that.

Why 80 bits are enough: ids are made independently on every laptop and meet only when a county
or prefecture merges them. With 3 × 10⁸ rows ever made in a prefecture, the chance that any two
of them share an id is about n² / 2⁸¹ ≈ 4 × 10⁻⁸; and if it happened, the primary key refuses the
second row (the merge stops with an error, nothing is overwritten).

Lowercase only, so that ids stay distinct where they name files on a Windows disk (which does not
tell case apart); ASCII order, so that serial ids (below) sort in the order they were made and a
batch of new rows is appended at the end of each key index instead of being spread over it.
"""

from __future__ import annotations

import base64
import os
import random

LENGTH = 16
_BYTES = 10  # 80 bits: exactly 16 base32 characters, no padding
ALPHABET = "0123456789abcdefghijklmnopqrstuv"


def _text(raw: bytes) -> str:
    return base64.b32hexencode(raw).decode("ascii").lower()


def new_id() -> str:
    """A fresh random id."""
    return _text(os.urandom(_BYTES))


def new_ids(n: int) -> list[str]:
    """n fresh random ids from one call to the system's random source."""
    text = _text(os.urandom(_BYTES * n))
    return [text[i:i + LENGTH] for i in range(0, LENGTH * n, LENGTH)]


def seeded_id(rng: random.Random) -> str:
    """A random id drawn from `rng`: repeatable for a seeded generator (the demo's data)."""
    return _text(rng.getrandbits(8 * _BYTES).to_bytes(_BYTES, "big"))


_PREFIX = 11  # characters: 55 random bits
_SERIAL_BITS = 5 * (LENGTH - _PREFIX)  # 25 bits: 33,554,431 ids per prefix
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]  # the 1,024 two-character numbers


class SerialIds:
    """Repeatable ids that increase within a batch (inserts append to the key indexes): a random
    11-character prefix drawn from `rng`, then the serial number 1, 2, … as five base32hex
    digits. After 2²⁵ − 1 ids a new prefix is drawn. Two generators share ids only if their
    55-bit prefixes are equal."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._new_prefix()

    def _new_prefix(self) -> None:
        self.head = seeded_id(self.rng)[:_PREFIX]
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        n = self.n
        if n >> _SERIAL_BITS:
            self._new_prefix()
            n = self.n = 1
        return f"{self.head}{ALPHABET[n >> 20]}{_PAIRS[(n >> 10) & 1023]}{_PAIRS[n & 1023]}"
