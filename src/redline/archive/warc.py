"""Building the WARC records of one fetch with warcio: request, response or revisit.

The response payload is the body as Redline read it: after transfer and content decoding (what
the extractor saw and what ``raw_sha256`` digests). The HTTP headers are kept as received except
``Content-Encoding``, ``Transfer-Encoding`` and ``Content-Length``, which no longer describe the
stored payload: they are renamed ``X-Redline-Original-*`` and a true ``Content-Length`` is set,
so replay tools (pywb, ReplayWeb.page) do not try to decode the payload a second time.
"""

from __future__ import annotations

import io
from datetime import UTC
from enum import StrEnum

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import BufferWARCWriter

from redline.fetch.result import FetchResult, HttpExchange
from redline.storage.records import HeldPayload, WarcRecordData

_CRLF2 = b"\r\n\r\n"
_REWRITTEN = {"content-encoding", "transfer-encoding", "content-length"}


class RecordType(StrEnum):
    REQUEST = "request"
    RESPONSE = "response"
    REVISIT = "revisit"


def warc_date(ex: HttpExchange) -> str:
    return ex.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _response_headers(ex: HttpExchange, payload_len: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for k, v in ex.response_headers:
        if k.lower() in _REWRITTEN:
            out.append((f"X-Redline-Original-{k.title()}", v))
        else:
            out.append((k, v))
    out.append(("Content-Length", str(payload_len)))
    return out


def _split(writer: BufferWARCWriter, record: object, payload: bytes) -> bytes:
    """The record's bytes up to the payload (warcio wrote head + payload + CRLF CRLF)."""
    writer.write_record(record)
    raw = writer.get_contents()
    writer.out = io.BytesIO()
    end = len(raw) - len(_CRLF2)
    if raw[end:] != _CRLF2 or (payload and raw[end - len(payload) : end] != payload):
        raise AssertionError("warcio wrote an unexpected record layout")
    return raw[: end - len(payload)]


def exchange_records(ex: HttpExchange, body: bytes) -> list[WarcRecordData]:
    """The request record and the response record of one exchange; ``body`` is empty for
    redirect hops. A response with a body carries how to become a revisit record (same record
    id, so the request's ``WARC-Concurrent-To`` still names it): storage picks one or the other
    in the transaction that writes them (``archive_db.put_warc``)."""
    writer = BufferWARCWriter(gzip=False, warc_version="1.1")
    date = warc_date(ex)
    path = ex.url.split("://", 1)[-1]
    path = "/" + path.split("/", 1)[1] if "/" in path else "/"
    req_http = StatusAndHeaders(
        f"{ex.method} {path} {ex.http_version}",
        list(ex.request_headers),
        protocol="",
        is_http_request=True,
    )
    request = writer.create_warc_record(
        ex.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=req_http,
        warc_headers_dict={"WARC-Date": date},
    )
    resp_http = StatusAndHeaders(
        f"{ex.status} {ex.reason}".strip(),
        _response_headers(ex, len(body)),
        protocol=ex.http_version,
    )
    response = writer.create_warc_record(
        ex.url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=resp_http,
        warc_headers_dict={"WARC-Date": date},
    )
    digest = response.rec_headers.get_header("WARC-Payload-Digest")
    content_type = next((v for k, v in ex.response_headers if k.lower() == "content-type"), None)
    resp_id = response.rec_headers.get_header("WARC-Record-ID")

    def revisit(original: HeldPayload) -> WarcRecordData:
        """This response as a revisit of ``original``, the response already holding its payload."""
        w = BufferWARCWriter(gzip=False, warc_version="1.1")
        record = w.create_revisit_record(
            ex.url,
            digest,
            original.target_uri,
            original.warc_date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            http_headers=resp_http,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Record-ID": resp_id,
                "WARC-Refers-To": original.record_id,
            },
        )
        return WarcRecordData(
            record_id=resp_id,
            record_type=RecordType.REVISIT,
            target_uri=ex.url,
            warc_date=ex.at,
            head=_split(w, record, b""),
            http_status=ex.status,
            content_type=content_type,
            payload_digest=digest,
        )

    second = WarcRecordData(
        record_id=resp_id,
        record_type=RecordType.RESPONSE,
        target_uri=ex.url,
        warc_date=ex.at,
        head=_split(writer, response, body),
        payload=body,
        http_status=ex.status,
        content_type=content_type,
        payload_digest=digest,
        revisit=revisit if body else None,
    )
    request.rec_headers.add_header("WARC-Concurrent-To", resp_id)
    first = WarcRecordData(
        record_id=request.rec_headers.get_header("WARC-Record-ID"),
        record_type=RecordType.REQUEST,
        target_uri=ex.url,
        warc_date=ex.at,
        head=_split(writer, request, b""),
    )
    return [first, second]


def capture_records(fr: FetchResult) -> tuple[WarcRecordData, ...]:
    """Records of every hop of a fetch (redirects first, the final answer with its body last);
    empty when the fetcher did not report its exchanges."""
    out: list[WarcRecordData] = []
    for i, ex in enumerate(fr.exchanges):
        last = i == len(fr.exchanges) - 1
        out += exchange_records(ex, fr.body if last else b"")
    return tuple(out)


def gzip_member(record: WarcRecordData | tuple[bytes, bytes]) -> bytes:
    """One record as a gzip member (a .warc.gz is their concatenation)."""
    import gzip

    head, payload = (
        (record.head, record.payload or b"") if isinstance(record, WarcRecordData) else record
    )
    return gzip.compress(head + payload + _CRLF2, compresslevel=6, mtime=0)
