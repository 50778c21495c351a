"""The benchmark data set: users and posts with realistic sizes, written with the real item builders.

Items come from spooky's own builders (new_user_item, new_post_item), so every key and index attribute
is the one the application writes; only the timestamps are chosen here, spread over a year. Post sizes
follow a clipped log-normal law (most posts short, a long tail up to 4,000 characters), and the posts
are spread over the authors by a heavy-tailed law, with a few prolific authors set apart.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.models import Model

from bench.measure import item_size
from devtools.progress import progress
from spooky.clock import utcnow
from spooky.db.batch import batch_write
from spooky.models.app import PostModel, UserModel
from spooky.repositories.posts import Author, author_of, new_post_item
from spooky.repositories.users import new_user_item
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser

NAME_CHARS = (20, 120)
CONTENT_MAX_CHARS = 4_000
# Content length ~ log-normal: median e^6 ≈ 400 characters, clipped at CONTENT_MAX_CHARS.
CONTENT_LOG_MEDIAN = 6.0
CONTENT_LOG_SIGMA = 1.0
NO_CONTENT_SHARE = 0.08
HISTORY = timedelta(days=365)
WRITE_CHUNK = 1_000
WRITERS = 4
SEED = 20_251_031
# Caps a regular author at ~60x the typical weight (under 1,000 posts in the full data set).
REGULAR_WEIGHT_CAP = 60.0

WORDS = [
    "pumpkin",
    "ghost",
    "candle",
    "moon",
    "raven",
    "lantern",
    "crypt",
    "witch",
    "broom",
    "cauldron",
    "bat",
    "shadow",
    "fog",
    "mist",
    "owl",
    "spider",
    "web",
    "skull",
    "bone",
    "grave",
    "harvest",
    "orchard",
    "cider",
    "apple",
    "maple",
    "leaf",
    "autumn",
    "night",
    "whisper",
    "howl",
    "attic",
    "cellar",
    "door",
    "creak",
    "potion",
    "spell",
    "charm",
    "costume",
    "mask",
    "treat",
    "trick",
    "haunt",
    "legend",
    "tale",
]


@dataclass(frozen=True)
class Scale:
    users: int
    posts: int
    # Post counts of the prolific authors; the first is the pagination benchmark's subject.
    prolific_authors: tuple[int, ...]


FULL_SCALE = Scale(users=2_000, posts=100_000, prolific_authors=(5_000, 3_000, 2_000, 2_000, 1_500, 1_000))
QUICK_SCALE = Scale(users=50, posts=600, prolific_authors=(300,))


@dataclass(frozen=True)
class SeededPost:
    id: str
    author_id: str


@dataclass(frozen=True)
class Dataset:
    scale: Scale
    user_ids: list[str]
    posts: list[SeededPost]
    post_counts: dict[str, int]
    post_item_bytes: list[int]
    user_item_bytes: list[int]

    @property
    def prolific_author(self) -> str:
        """The first prolific author (5,000 posts in the full data set): the pagination subject."""
        return self.user_ids[0]

    def describe(self) -> str:
        counts = sorted(self.post_counts.values(), reverse=True)
        top = ", ".join(f"{count:,}" for count in counts[: len(self.scale.prolific_authors)])
        sizes = self.post_item_bytes
        return (
            f"{len(self.user_ids):,} users, {len(self.posts):,} posts (top authors: {top}; median "
            f"{statistics.median(counts):.0f} per user); post items: median "
            f"{statistics.median(sizes):,.0f} B, p95 {_percentile(sizes, 95):,.0f} B, max {max(sizes):,} B, "
            f"{sum(sizes) / 1e6:,.1f} MB in all"
        )


def _percentile(values: Sequence[int], percent: int) -> float:
    return statistics.quantiles(values, n=100)[percent - 1] if len(values) > 1 else float(values[0])


class _Text:
    """Random prose, sliced from one long generated string (fast enough for 100,000 posts)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._corpus = " ".join(rng.choice(WORDS) for _ in range(40_000))

    def take(self, length: int) -> str:
        start = self._rng.randrange(0, len(self._corpus) - length - 1)
        return self._corpus[start : start + length].strip() or "boo"


def _content_length(rng: random.Random) -> int | None:
    if rng.random() < NO_CONTENT_SHARE:
        return None
    return min(CONTENT_MAX_CHARS, int(rng.lognormvariate(CONTENT_LOG_MEDIAN, CONTENT_LOG_SIGMA)))


def _name_length(rng: random.Random) -> int:
    low, high = NAME_CHARS
    return max(low, min(high, int(rng.lognormvariate(math.log(45), 0.45))))


def _post_counts(rng: random.Random, user_ids: list[str], scale: Scale) -> Counter[str]:
    counts: Counter[str] = Counter(dict(zip(user_ids, scale.prolific_authors, strict=False)))
    others = user_ids[len(scale.prolific_authors) :]
    remaining = scale.posts - sum(scale.prolific_authors)
    # Capped Pareto weights: most users post a little, a few a lot, none as much as the prolific ones.
    weights = [min(rng.paretovariate(1.5), REGULAR_WEIGHT_CAP) for _ in others]
    counts.update(rng.choices(others, weights=weights, k=remaining))
    return counts


def item_bytes(model: Model) -> int:
    """DynamoDB's size of a serialized item (attribute names plus values)."""
    return item_size(model.serialize())


def _write(model_cls: type[Model], items: Sequence[Model]) -> None:
    batch_write(model_cls, puts=items)


def _post_items(
    rng: random.Random, text: _Text, authors: list[tuple[Author, datetime]], end: datetime
) -> Iterator[PostModel]:
    for author, joined in authors:
        span = (end - joined).total_seconds()
        length = _content_length(rng)
        post = NewPost(
            name=text.take(_name_length(rng)), content=text.take(length) if length is not None else None
        )
        yield new_post_item(author, post, joined + timedelta(seconds=rng.uniform(0, span)))


def _chunks(items: Iterator[PostModel], size: int) -> Iterator[list[PostModel]]:
    chunk: list[PostModel] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def seed(scale: Scale, seed_value: int = SEED) -> Dataset:
    """Write the data set to the tables the settings point at (BatchWriteItem, a few writers at once)."""
    rng = random.Random(seed_value)
    text = _Text(rng)
    end = utcnow()
    users: list[UserModel] = []
    for index in range(scale.users):
        name = text.take(_name_length(rng))
        joined = end - HISTORY + timedelta(seconds=rng.uniform(0, HISTORY.total_seconds() * 0.9))
        users.append(new_user_item(NewUser(name=name, email=f"user{index}@bench.example.com"), joined))
    user_ids = [user.id for user in users]
    counts = _post_counts(rng, user_ids, scale)
    for user in users:
        user.post_count = counts[user.id]
    authorship = [(author_of(user), user.created_at) for user in users for _ in range(counts[user.id])]
    rng.shuffle(authorship)

    posts: list[SeededPost] = []
    sizes: list[int] = []
    with (
        ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="seed") as pool,
        progress("Seeding posts", len(authorship)) as seeded,
    ):
        _write(UserModel, users)  # also creates the model's client before the writers share it
        pending: list[Future[None]] = []
        for chunk in _chunks(_post_items(rng, text, authorship, end), WRITE_CHUNK):
            posts.extend(SeededPost(item.id, item.created_by_id) for item in chunk)
            sizes.extend(item_bytes(item) for item in chunk)
            pending.append(pool.submit(_write, PostModel, chunk))
            if len(pending) >= 2 * WRITERS:
                pending.pop(0).result()
                seeded.advance(WRITE_CHUNK)
        for future in pending:
            future.result()
        seeded.advance(len(authorship) - seeded.done)
    return Dataset(
        scale=scale,
        user_ids=user_ids,
        posts=posts,
        post_counts={user_id: counts[user_id] for user_id in user_ids},
        post_item_bytes=sizes,
        user_item_bytes=[item_bytes(user) for user in users],
    )
