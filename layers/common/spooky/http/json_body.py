"""JSON bodies: how a request's is read (only what JSON allows) and how every answer's is written."""

from __future__ import annotations

import json
import math
from typing import Any

from aws_lambda_powertools.shared.json_encoder import Encoder
from pydantic_core import PydanticSerializationError, to_json

MAX_JSON_DEPTH_ERROR = "JSON nested too deeply"
# No field is a number anywhere near this long; Python's own int-string limit is 4,300 digits.
MAX_INT_DIGITS = 4300
LONE_SURROGATE_ERROR = "string with a lone surrogate"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999 parses as inf: JSON has no such number
        raise ValueError("number out of range")
    return number


def _bounded_int(text: str) -> int:
    # Checked first: int() past Python's int-string limit raises a message about sys.set_int_max_str_digits.
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError("number has too many digits")
    return int(text)


def read(body: str) -> Any:
    """``body`` as JSON; every way it can fail is a JSONDecodeError, which Powertools answers with a 400.

    Besides syntax errors, json.loads raises RecursionError (deep nesting) and ValueError (integers over
    Python's 4,300-digit limit), and accepts what is not JSON: NaN and Infinity, numbers out of float
    range, strings with lone surrogates (unstorable, and unencodable wherever they are used).
    """
    try:
        data = json.loads(
            body, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int
        )
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError on a lone surrogate
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError(MAX_JSON_DEPTH_ERROR, body, 0) from None
    except UnicodeEncodeError:
        raise json.JSONDecodeError(LONE_SURROGATE_ERROR, body, 0) from None
    except ValueError as error:
        raise json.JSONDecodeError(str(error), body, 0) from None
    return data


def write(body: Any) -> str:
    """A response body as JSON text, written by pydantic-core's encoder: 15 µs for a page of 20 posts,
    where json.dumps took 50 µs, on every listing.

    Text is written as Better Auth's server (JSON.stringify) writes it: characters outside ASCII as
    themselves, not as json.dumps' \\u escapes. A lone surrogate, which UTF-8 cannot carry, makes the
    whole body json.dumps' (escapes throughout): request bodies refuse them, but an error may quote a
    path or query parameter. Powertools also hands this function to its response validation, for
    objects it cannot encode itself; every route returns a schema or plain JSON values, so it never does.
    """
    try:
        return to_json(body).decode()
    except PydanticSerializationError:
        return json.dumps(body, separators=(",", ":"), cls=Encoder)
