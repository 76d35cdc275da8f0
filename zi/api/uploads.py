"""Which multipart file parts a request carried, even empty ones.

Django's multipart parser drops a file part that arrives with no content (it never reaches ``request.FILES``),
so "a file was sent, but empty" would look like "no file was sent". The evidence endpoint needs the difference:
the first matches the schema and is refused by the evidence service (409, "Berkas kosong."), the second does not
match it (400). This upload handler, placed first, only records the field names and passes every byte on.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest


class FilePartNames(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.names: set[str] = set()

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        self.names.add(field_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data  # the next handler stores it

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def watch_file_parts(request: HttpRequest) -> FilePartNames:
    """Install the recorder before the body is parsed; its ``names`` fill in while ``request.data`` is read."""
    recorder = FilePartNames(request)
    request.upload_handlers.insert(0, recorder)
    return recorder
