"""Pages and fragments go gzipped, at the cheaper level, with Django's rules kept."""

from __future__ import annotations

import gzip
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from departments.middleware import CompressMiddleware

BODY = b"<p>" + b"a step of the map " * 400 + b"</p>"


def answer(response: HttpResponse | StreamingHttpResponse, encoding: str = "gzip, br") -> Any:
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=encoding)
    return CompressMiddleware(lambda _request: response)(request)


def test_it_gzips_a_page_that_unpacks_to_the_same_bytes() -> None:
    response = answer(HttpResponse(BODY))
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content) < len(BODY)
    assert gzip.decompress(response.content) == BODY


def test_it_varies_the_compressed_length_against_breach() -> None:
    lengths = {len(answer(HttpResponse(BODY)).content) for _ in range(20)}
    assert len(lengths) > 1


def test_it_leaves_short_encoded_streamed_and_unasked_answers_alone() -> None:
    assert answer(HttpResponse(b"short")).content == b"short"
    encoded = HttpResponse(BODY, headers={"Content-Encoding": "br"})
    assert answer(encoded).content == BODY
    assert not answer(HttpResponse(BODY), encoding="identity").has_header("Content-Encoding")
    streamed = answer(StreamingHttpResponse(iter([BODY])))
    assert not streamed.has_header("Content-Encoding")


def test_it_weakens_a_strong_etag() -> None:
    assert answer(HttpResponse(BODY, headers={"ETag": '"v1"'}))["ETag"] == 'W/"v1"'
