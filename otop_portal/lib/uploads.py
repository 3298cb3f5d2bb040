"""What the settings need for uploads and the media storage.

`RequestSizeLimit` is the first upload handler: a request whose body is larger than
UPLOAD_MAX_REQUEST_BYTES is refused (400) before any of it is read, so a huge upload
fills neither memory nor the temporary folder. The reverse proxy's own limit
(nginx `client_max_body_size`) should be the same, so the proxy refuses it first.
Each upload then has its own, smaller limit (photos 10 MB, import files 5 MB).
"""

import json

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class RequestSizeLimit(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise RequestDataTooBig(
                f"Upload of {content_length} bytes exceeds UPLOAD_MAX_REQUEST_BYTES."
            )

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler keeps the file

    def file_complete(self, file_size):
        return None


def media_storage(backend: str | None, options: str | None) -> dict:
    """The STORAGES["default"] entry: a storage backend's dotted path and its OPTIONS
    as JSON, e.g. django-storages' S3 backend with its bucket and endpoint."""
    config = {"BACKEND": backend or "django.core.files.storage.FileSystemStorage"}
    if options:
        try:
            config["OPTIONS"] = json.loads(options)
        except json.JSONDecodeError as error:
            raise ImproperlyConfigured(
                f"MEDIA_STORAGE_OPTIONS must be a JSON object: {error}."
            ) from None
        if not isinstance(config["OPTIONS"], dict):
            raise ImproperlyConfigured("MEDIA_STORAGE_OPTIONS must be a JSON object.")
    return config
